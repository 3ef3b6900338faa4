package org.jcriu.compel;

/**
 * Where compel's few messages go; the caller supplies it (compel never prints). {@link #NONE}
 * drops everything.
 */
@FunctionalInterface
public interface Logger {
    /** Levels, most severe first. */
    enum Level { ERROR, WARN, INFO, DEBUG }

    /** A logger that drops everything. */
    Logger NONE = (level, message) -> { };

    /**
     * @param level how important
     * @param message one line, no trailing newline
     */
    void log(Level level, String message);
}
