package org.jcriu.criu.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * The orchestrator's log, CRIU-style: each line prefixed with the seconds since
 * start, "(00.012345) ", written to the -o file or stderr. Levels as CRIU's -v:
 * 0 messages only, 1 errors, 2 warnings (default), 3 info, 4 debug.
 * The libraries (compel, soccr, images) never log on their own; they take an
 * adapter of this class from the caller.
 */
public final class Log implements AutoCloseable {
    public static final int MSG = 0, ERROR = 1, WARN = 2, INFO = 3, DEBUG = 4;

    private static volatile Log current = new Log(System.err, WARN, false);

    private final PrintStream out;
    private final int level;
    private final boolean ownsStream;
    private final long start = System.nanoTime();

    private Log(PrintStream out, int level, boolean ownsStream) {
        this.out = out;
        this.level = level;
        this.ownsStream = ownsStream;
    }

    /** Opens the log for one action; null path means stderr. Becomes the current log. */
    public static Log open(Path file, int level) throws IOException {
        PrintStream ps;
        boolean owns = false;
        if (file == null) {
            ps = System.err;
        } else {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            OutputStream os = Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            ps = new PrintStream(os, true, StandardCharsets.UTF_8);
            owns = true;
        }
        Log log = new Log(ps, level, owns);
        current = log;
        return log;
    }

    public static Log get() {
        return current;
    }

    public boolean enabled(int lvl) {
        return lvl <= level;
    }

    public int level() {
        return level;
    }

    public void log(int lvl, String msg) {
        if (lvl > level) return;
        long us = (System.nanoTime() - start) / 1000;
        String prefix = prefix(us);
        String tag = switch (lvl) {
            case ERROR -> "Error: ";
            case WARN -> "Warn: ";
            default -> "";
        };
        synchronized (out) {
            out.println(prefix + tag + msg);
        }
    }

    /** "(SS.UUUUUU) " without java.util.Formatter, whose locale set-up a short run would pay for. */
    static String prefix(long us) {
        long s = us / 1_000_000, frac = us % 1_000_000;
        StringBuilder b = new StringBuilder(16).append('(');
        if (s < 10) b.append('0');
        b.append(s).append('.');
        for (long d = 100_000; d > 1 && frac < d; d /= 10) b.append('0');
        return b.append(frac).append(") ").toString();
    }

    public void log(int lvl, Supplier<String> msg) {
        if (lvl <= level) log(lvl, msg.get());
    }

    public static void error(String m) { current.log(ERROR, m); }
    public static void warn(String m) { current.log(WARN, m); }
    public static void info(String m) { current.log(INFO, m); }
    public static void debug(String m) { current.log(DEBUG, m); }
    public static void debug(Supplier<String> m) { current.log(DEBUG, m); }

    @Override
    public void close() {
        if (ownsStream) out.close();
        if (current == this) current = new Log(System.err, WARN, false);
    }
}
