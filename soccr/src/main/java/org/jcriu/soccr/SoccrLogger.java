package org.jcriu.soccr;

/**
 * The caller's logger. soccr never prints; it reports here. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface SoccrLogger {
    /** Severity, most severe first. */
    enum Level { ERROR, WARN, INFO, DEBUG }

    /** A logger that drops everything. */
    SoccrLogger NONE = new SoccrLogger() {
        @Override
        public void log(Level level, String message) {
        }

        @Override
        public boolean isEnabled(Level level) {
            return false;
        }
    };

    /** Records one line. */
    void log(Level level, String message);

    /** Whether messages at {@code level} are wanted; soccr skips building them otherwise. */
    default boolean isEnabled(Level level) {
        return true;
    }
}
