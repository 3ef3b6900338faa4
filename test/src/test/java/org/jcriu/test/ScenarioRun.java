package org.jcriu.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One run of one scenario program, started through the detached launcher so it
 * is never a child of this JVM. Close it (try-with-resources) to kill whatever
 * is left of its tree, by pid, and wait for it to go.
 */
final class ScenarioRun implements AutoCloseable {
    static final long READY_MS = 10_000;
    static final long RESULT_MS = 10_000;
    static final long GONE_MS = 10_000;

    final String name;
    final Path dir;
    final Path status;
    final Path log;
    final Path exe;
    final long pid;
    /** Every pid seen in the tree (root first); grows as we look again. */
    final Set<Long> pids = new LinkedHashSet<>();
    /** The executable of each pid when first seen (user stories run python, java). */
    private final java.util.Map<Long, String> exes = new java.util.HashMap<>();

    private ScenarioRun(String name, Path dir, long pid) {
        this.name = name;
        this.dir = dir;
        this.status = dir.resolve("status");
        this.log = dir.resolve("log");
        this.exe = ScenarioEnv.BIN.resolve(name);
        this.pid = pid;
        pids.add(pid);
    }

    /** Starts NAME with its run files in dir (status, log, scratch/). */
    static ScenarioRun start(String name, Path dir, String... scenarioArgs) {
        Path exe = ScenarioEnv.BIN.resolve(name);
        if (!Files.isExecutable(exe))
            throw new AssertionError("scenario binary missing: " + exe + " (make -C test/scenarios)");
        List<String> cmd = new ArrayList<>(List.of(ScenarioEnv.LAUNCH.toString(), "--reaper",
                "--log", dir.resolve("log").toString(), "--cwd", dir.toString()));
        cmd.addAll(ScenarioEnv.launchOpts(name));
        cmd.addAll(List.of("--", exe.toString(), "--status", dir.resolve("status").toString()));
        cmd.addAll(List.of(scenarioArgs));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("launch did not return: " + cmd);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0)
                throw new AssertionError("launch failed (" + p.exitValue() + "): " + out);
            return new ScenarioRun(name, dir, Long.parseLong(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    List<String> statusLines() {
        try {
            return Files.exists(status) ? Files.readAllLines(status, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Waits for READY (failing early on FAIL or if the program died), then records the tree. */
    void awaitReady() {
        long end = System.nanoTime() + READY_MS * 1_000_000L;
        while (true) {
            List<String> lines = statusLines();
            if (lines.contains("READY")) break;
            String fail = firstFail(lines);
            if (fail != null) throw new AssertionError(name + ": failed during setup: " + fail + "\n" + diagnostics());
            if (!Procs.live(pid)) throw new AssertionError(name + ": exited before READY\n" + diagnostics());
            if (System.nanoTime() > end) throw new AssertionError(name + ": no READY within " + READY_MS + " ms\n" + diagnostics());
            Procs.sleep(10);
        }
        refreshTree();
    }

    void refreshTree() {
        for (long p : Procs.tree(pid)) {
            pids.add(p);
            String e = exeOf(p);
            if (e != null) exes.putIfAbsent(p, e);
        }
    }

    private static String exeOf(long p) {
        String e = Procs.exe(p);
        if (e != null && e.endsWith(" (deleted)")) e = e.substring(0, e.length() - " (deleted)".length());
        return e;
    }

    /** Sends SIGTERM to the root. */
    void terminate() {
        if (!Procs.live(pid)) throw new AssertionError(name + ": root pid " + pid + " is not running\n" + diagnostics());
        Procs.sigterm(pid);
    }

    /** Waits for PASS or FAIL after READY; returns "PASS" or the FAIL line. */
    String awaitResult() {
        long end = System.nanoTime() + RESULT_MS * 1_000_000L;
        while (true) {
            List<String> lines = statusLines();
            String fail = firstFail(lines);
            if (fail != null) return fail;
            if (lines.contains("PASS")) return "PASS";
            if (!Procs.live(pid)) {
                // one last look: the status may have been written just before exit
                Procs.sleep(50);
                lines = statusLines();
                fail = firstFail(lines);
                if (fail != null) return fail;
                if (lines.contains("PASS")) return "PASS";
                return "DIED: root exited without PASS or FAIL (state " + Procs.state(pid) + ")";
            }
            if (System.nanoTime() > end) return "TIMEOUT: no PASS or FAIL within " + RESULT_MS + " ms";
            Procs.sleep(10);
        }
    }

    private static String firstFail(List<String> lines) {
        for (String l : lines) if (l.startsWith("FAIL")) return l;
        return null;
    }

    /** Pids of the tree that are ours: exe is the scenario binary (pids get reused). */
    List<Long> ourLivePids() {
        refreshTreeQuietly();
        List<Long> out = new ArrayList<>();
        for (long p : pids)
            if (Procs.live(p) && isOurs(p)) out.add(p);
        return out;
    }

    /**
     * /proc/PID/exe is the scenario binary, or the program this pid ran when we
     * first saw it in the tree (pids get reused; a rebuilt binary shows " (deleted)").
     */
    boolean isOurs(long p) {
        String e = exeOf(p);
        if (e == null) return false;
        return e.equals(exe.toString()) || e.equals(exes.get(p));
    }

    private void refreshTreeQuietly() {
        if (Procs.live(pid) && isOurs(pid)) refreshTree();
    }

    /** Waits until every recorded pid is gone (zombies still waiting for init count unless zombiesOk). */
    boolean waitGone(boolean zombiesOk) {
        return Procs.waitGone(new ArrayList<>(pids), GONE_MS, zombiesOk);
    }

    String diagnostics() {
        StringBuilder sb = new StringBuilder();
        sb.append("status: ").append(statusLines()).append('\n');
        sb.append(ScenarioEnv.tail(log, 30));
        return sb.toString();
    }

    /** Kills (SIGKILL) whatever is left of the tree, by pid, and waits for it to go. */
    @Override
    public void close() {
        List<Long> left = ourLivePids();
        for (long p : left) Procs.sigkill(p);
        // zombies of killed tasks are reaped by their parent (also killed) then by init
        if (!Procs.waitGone(new ArrayList<>(pids), GONE_MS, true))
            throw new AssertionError(name + ": processes still running after SIGKILL: " + ourLivePids());
    }
}
