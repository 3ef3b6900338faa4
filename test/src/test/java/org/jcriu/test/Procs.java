package org.jcriu.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Small /proc helpers. Signals go through ProcessHandle (SIGTERM, SIGKILL), by pid. */
final class Procs {
    private Procs() {}

    /** /proc/PID/stat state letter, or 0 if the pid does not exist. */
    static char state(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) return 0;
        int close = stat.lastIndexOf(')');
        return close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : 0;
    }

    /** Fields after the command name of /proc/PID/stat (index 0 = state), or null. */
    static String[] statFields(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) return null;
        int close = stat.lastIndexOf(')');
        return stat.substring(close + 2).trim().split(" ");
    }

    static boolean exists(long pid) {
        return state(pid) != 0;
    }

    /** Running or sleeping or stopped: exists and not a zombie/dead. */
    static boolean live(long pid) {
        char s = state(pid);
        return s != 0 && s != 'Z' && s != 'X';
    }

    static String exe(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** All pids of the tree under root (root first), from /proc's children lists. */
    static List<Long> tree(long root) {
        Set<Long> out = new LinkedHashSet<>();
        List<Long> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.remove(0);
            if (!exists(pid) || !out.add(pid)) continue;
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            try (var ds = Files.newDirectoryStream(tasks)) {
                for (Path t : ds) {
                    String ch = read(t.resolve("children"));
                    if (ch == null) continue;
                    for (String s : ch.trim().split("\\s+"))
                        if (!s.isEmpty()) todo.add(Long.parseLong(s));
                }
            } catch (IOException e) {
                // task vanished
            }
        }
        return new ArrayList<>(out);
    }

    static void sigterm(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(ProcessHandle::destroy);
    }

    static void sigkill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Waits until none of pids exists (zombies count as existing unless zombiesOk). */
    static boolean waitGone(List<Long> pids, long timeoutMs, boolean zombiesOk) {
        long end = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            boolean any = false;
            for (long p : pids) {
                char s = state(p);
                if (s != 0 && !(zombiesOk && (s == 'Z' || s == 'X'))) { any = true; break; }
            }
            if (!any) return true;
            if (System.nanoTime() > end) return false;
            sleep(20);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
