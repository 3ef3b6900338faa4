package org.jcriu.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jcriu.test.Supported.Mode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Scenarios x modes from test/scenarios/SUPPORTED, through the real criu
 * launcher (criu-orchestrator/bin/criu) run as a separate process:
 * <ul>
 * <li>plain: dump (kills the tree), wait for the pids to go, restore -d, SIGTERM, PASS;
 * <li>leave-running: dump --leave-running, SIGTERM the original, PASS;
 * <li>twice: dump, restore, dump again, restore again, SIGTERM, PASS.
 * </ul>
 * Images in target/ckpt/NAME-MODE (dump.log, restore.log at -v4 inside).
 */
class ScenarioCheckpointTest {
    static final long CRIU_TIMEOUT_S = 60;

    @TestFactory
    Stream<DynamicTest> checkpointRestore() {
        Map<String, Set<Mode>> supported = Supported.read();
        List<DynamicTest> tests = new ArrayList<>();
        supported.forEach((name, modes) -> {
            for (Mode m : modes)
                tests.add(DynamicTest.dynamicTest(name + " [" + m.word + "]", () -> run(name, m, ScenarioEnv.CRIU)));
        });
        return tests.stream();
    }

    /** One scenario in one mode with the given criu executable. */
    static void run(String name, Mode mode, Path criu) {
        Path ckpt = ScenarioEnv.freshDir("ckpt", name + "-" + mode.word);
        Path runDir = ScenarioEnv.freshDir("run", name + "-" + mode.word);
        List<String> opts = ScenarioEnv.criuOpts(name);
        List<Path> logs = new ArrayList<>();
        try (ScenarioRun run = ScenarioRun.start(name, runDir)) {
            try {
                run.awaitReady();
                switch (mode) {
                    case PLAIN -> {
                        dumpAndRestore(criu, run, ckpt, opts, logs);
                    }
                    case LEAVE_RUNNING -> {
                        Path img = ckpt;
                        criu(criu, run, img, "dump.log", logs, concat(List.of("dump", "-t", Long.toString(run.pid),
                                "-D", img.toString(), "-o", "dump.log", "-v4", "--leave-running"), opts));
                        for (long p : run.pids)
                            assertTrue(Procs.exists(p), name + ": pid " + p + " gone after dump --leave-running\n"
                                    + details(run, logs));
                    }
                    case TWICE -> {
                        dumpAndRestore(criu, run, ckpt.resolve("1"), opts, logs);
                        run.refreshTree();
                        dumpAndRestore(criu, run, ckpt.resolve("2"), opts, logs);
                    }
                }
                run.terminate();
                String result = run.awaitResult();
                assertEquals("PASS", result, name + " [" + mode.word + "]: " + result + "\n" + details(run, logs));
                assertTrue(run.waitGone(true), name + ": tree did not exit after PASS: " + run.ourLivePids());
            } catch (AssertionError e) {
                if (e.getMessage() != null && e.getMessage().contains("---- ")) throw e;
                throw new AssertionError(e.getMessage() + "\n" + details(run, logs), e);
            }
        }
    }

    private static void dumpAndRestore(Path criu, ScenarioRun run, Path img, List<String> opts, List<Path> logs) {
        try {
            Files.createDirectories(img);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Long> before = new ArrayList<>(Procs.tree(run.pid));
        Map<Long, Boolean> zombie = new java.util.HashMap<>();
        for (long p : before) zombie.put(p, Procs.state(p) == 'Z');
        criu(criu, run, img, "dump.log", logs, concat(List.of("dump", "-t", Long.toString(run.pid),
                "-D", img.toString(), "-o", "dump.log", "-v4"), opts));
        // the tree is killed by the dump; its pids must be free (init reaps zombies in 1-2 s)
        assertTrue(Procs.waitGone(before, ScenarioRun.GONE_MS, false),
                run.name + ": pids still present " + ScenarioRun.GONE_MS + " ms after dump: " + before);
        criu(criu, run, img, "restore.log", logs, concat(List.of("restore", "-d", "-D", img.toString(),
                "-o", "restore.log", "-v4"), opts));
        for (long p : before) {
            if (zombie.get(p))
                assertEquals('Z', Procs.state(p), run.name + ": pid " + p + " was a zombie, is not after restore");
            else
                assertTrue(Procs.live(p), run.name + ": pid " + p + " not running after restore");
        }
        assertEquals(new java.util.TreeSet<>(before), new java.util.TreeSet<>(Procs.tree(run.pid)),
                run.name + ": restored tree differs");
    }

    /** Runs criu in its own process (never in this JVM); output to DIR/criu-ACTION.out. */
    private static void criu(Path criu, ScenarioRun run, Path img, String logName, List<Path> logs, List<String> args) {
        if (!Files.isExecutable(criu))
            throw new AssertionError("criu launcher missing: " + criu);
        List<String> cmd = concat(List.of(criu.toString()), args);
        Path out = img.resolve("criu-" + args.get(0) + ".out");
        logs.add(out);
        logs.add(img.resolve(logName));
        try {
            Process p = start(cmd, out);
            if (!p.waitFor(CRIU_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(run.name + ": criu " + args.get(0) + " did not finish within "
                        + CRIU_TIMEOUT_S + " s: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0 && jvmDidNotStart(out)) {
                // the shared jar was being rebuilt: the JVM never ran, nothing was touched; once more
                Procs.sleep(5000);
                p = start(cmd, out);
                p.waitFor(CRIU_TIMEOUT_S, TimeUnit.SECONDS);
            }
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(run.name + ": criu " + args.get(0) + " did not finish within "
                        + CRIU_TIMEOUT_S + " s: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0)
                throw new AssertionError(run.name + ": criu " + args.get(0) + " exited " + p.exitValue() + ": "
                        + String.join(" ", cmd));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Process start(List<String> cmd, Path out) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).start();
    }

    private static boolean jvmDidNotStart(Path out) {
        String o = Procs.read(out);
        return o != null && (o.contains("Could not find or load main class") || o.contains("Unable to access jarfile")
                || o.contains("Invalid or corrupt jarfile"));
    }

    private static String details(ScenarioRun run, List<Path> logs) {
        StringBuilder sb = new StringBuilder();
        for (Path l : logs) if (Files.exists(l)) sb.append(ScenarioEnv.tail(l, 40));
        sb.append(run.diagnostics());
        return sb.toString();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
