package org.jcriu.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where things are: the scenario sources and binaries, the criu launcher, run dirs. */
final class ScenarioEnv {
    private ScenarioEnv() {}

    static final Path BASEDIR = Path.of(System.getProperty("jcriu.test.basedir",
            System.getProperty("basedir", System.getProperty("user.dir")))).toAbsolutePath();
    static final Path SOURCES = BASEDIR.resolve("scenarios");
    static final Path BIN = Path.of(System.getProperty("jcriu.test.scenarios",
            BASEDIR.resolve("target/scenarios").toString())).toAbsolutePath();
    static final Path LAUNCH = BIN.resolve("launch");
    static final Path CRIU = Path.of(System.getProperty("jcriu.test.criu",
            BASEDIR.resolve("../criu-orchestrator/bin/criu").toString())).toAbsolutePath().normalize();
    static final Path TARGET = BASEDIR.resolve("target");
    static final Path SUPPORTED = Path.of(System.getProperty("jcriu.test.supported",
            SOURCES.resolve("SUPPORTED").toString())).toAbsolutePath();

    private static final Pattern OPTS = Pattern.compile("CRIU_OPTS:\\s*([^*\\n]*)");
    private static final Pattern LAUNCH_OPTS = Pattern.compile("LAUNCH_OPTS:\\s*([^*\\n]*)");

    /** Every scenario name: one per test/scenarios/*.c (sorted). */
    static List<String> names() {
        try (var s = Files.list(SOURCES)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".c"))
                    .map(n -> n.substring(0, n.length() - 2))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String source(String name) {
        try {
            return Files.readString(SOURCES.resolve(name + ".c"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Extra criu options a scenario declares with a "CRIU_OPTS: ..." comment line. */
    static List<String> criuOpts(String name) {
        return opts(OPTS, name);
    }

    /** Extra launcher options a scenario declares with a "LAUNCH_OPTS: ..." comment line. */
    static List<String> launchOpts(String name) {
        return opts(LAUNCH_OPTS, name);
    }

    private static List<String> opts(Pattern p, String name) {
        Matcher m = p.matcher(source(name));
        List<String> out = new ArrayList<>();
        while (m.find())
            out.addAll(Arrays.stream(m.group(1).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        return out;
    }

    /** A scenario that implements --arg corrupt (calls sc_corrupt()). */
    static boolean hasCorrupt(String name) {
        return source(name).contains("sc_corrupt()");
    }

    private static java.nio.channels.FileChannel lockChannel;
    private static java.nio.channels.FileLock lock;
    static final long LOCK_WAIT_MS = 30 * 60_000L;

    /**
     * Two suites running at once in the same checkout (several engineers share
     * one) would delete each other's run and image directories: the first to
     * come holds target/scenario-suite.lock until its JVM exits, the other waits
     * (bounded).
     */
    static synchronized void exclusive() {
        if (lock != null) return;
        try {
            Files.createDirectories(TARGET);
            lockChannel = java.nio.channels.FileChannel.open(TARGET.resolve("scenario-suite.lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            long end = System.nanoTime() + LOCK_WAIT_MS * 1_000_000L;
            boolean said = false;
            while ((lock = lockChannel.tryLock()) == null) {
                if (System.nanoTime() > end)
                    throw new AssertionError("another scenario suite held " + TARGET.resolve("scenario-suite.lock")
                            + " for " + LOCK_WAIT_MS / 60_000 + " min");
                if (!said) {
                    System.err.println("jcriu-test: another scenario suite is running in " + TARGET + "; waiting");
                    said = true;
                }
                Procs.sleep(1000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, empty directory under target/. */
    static Path freshDir(String first, String... more) {
        exclusive();
        Path d = TARGET.resolve(Path.of(first, more));
        deleteTree(d);
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    static void deleteTree(Path d) {
        if (!Files.exists(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var s = Files.walk(d)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    p.toFile().setWritable(true);
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort (a fifo or a socket still bound is fine to leave)
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** Last lines of a file, for failure messages. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            int from = Math.max(0, all.size() - lines);
            return "---- " + file + " (last " + (all.size() - from) + " of " + all.size() + " lines)\n"
                    + String.join("\n", all.subList(from, all.size())) + "\n";
        } catch (IOException e) {
            return "---- " + file + ": " + e + "\n";
        }
    }
}
