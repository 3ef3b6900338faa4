package org.jcriu.criu.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/** The small per-task files: personality, auxv, loginuid, oom_score_adj, cgroup, comm, cwd/root/exe. */
public final class ProcMisc {
    private ProcMisc() {}

    /** /proc/PID/personality (hex). */
    public static int personality(int pid) throws IOException {
        return (int) Long.parseLong(ProcFs.read(pid, "personality").trim(), 16);
    }

    /** /proc/PID/auxv as (type, value) pairs up to and including AT_NULL's preceding entry. */
    public static long[] auxv(int pid) throws IOException {
        byte[] b = Files.readAllBytes(ProcFs.pid(pid).resolve("auxv"));
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        List<Long> out = new ArrayList<>();
        while (bb.remaining() >= 16) {
            long t = bb.getLong();
            long v = bb.getLong();
            if (t == 0) break;
            out.add(t);
            out.add(v);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** /proc/PID/loginuid, or -1 (as u32 4294967295) if the kernel has no audit. */
    public static long loginuid(int pid) throws IOException {
        try {
            return Long.parseLong(ProcFs.read(pid, "loginuid").trim());
        } catch (NoSuchFileException e) {
            return 4294967295L;
        }
    }

    /** /proc/PID/oom_score_adj. */
    public static int oomScoreAdj(int pid) throws IOException {
        return Integer.parseInt(ProcFs.read(pid, "oom_score_adj").trim());
    }

    /**
     * A thread's timer slack in ns: /proc/TID/timerslack_ns (the file exists only at the top
     * level, and /proc/TID names the thread itself, not its group).
     */
    public static long timerslackNs(int tid) throws IOException {
        return Long.parseLong(ProcFs.read(tid, "timerslack_ns").trim());
    }

    /** /proc/PID/task/TID/comm without the newline. */
    public static String comm(int pid, int tid) throws IOException {
        return ProcFs.read(ProcFs.task(pid, tid).resolve("comm")).strip();
    }

    /**
     * /proc/PID/limits as {cur, max} per resource in RLIMIT order (RLIMIT_CPU first);
     * "unlimited" is RLIM_INFINITY (all ones).
     */
    public static long[][] parseLimits(String text) {
        List<long[]> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.startsWith("Max ")) continue;
            // the name column is 26 characters wide, then soft, hard, units
            String[] w = l.substring(Math.min(l.length(), 26)).trim().split("\\s+");
            out.add(new long[] {limit(w[0]), limit(w[1])});
        }
        return out.toArray(new long[0][]);
    }

    private static long limit(String v) {
        return v.equals("unlimited") ? -1L : Long.parseUnsignedLong(v);
    }

    /** Reads /proc/PID/limits. */
    public static long[][] limits(int pid) throws IOException {
        return parseLimits(ProcFs.read(pid, "limits"));
    }

    /** /proc/PID/cgroup lines "id:controllers:path". */
    public record CgroupLine(int hierarchy, String controllers, String path) {}

    /** Parses /proc/PID/cgroup text. */
    public static List<CgroupLine> parseCgroup(String text) {
        List<CgroupLine> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (l.isBlank()) continue;
            int a = l.indexOf(':');
            int b = l.indexOf(':', a + 1);
            out.add(new CgroupLine(Integer.parseInt(l.substring(0, a)), l.substring(a + 1, b), l.substring(b + 1)));
        }
        return out;
    }

    /** Reads /proc/PID/cgroup. */
    public static List<CgroupLine> cgroup(int pid) throws IOException {
        return parseCgroup(ProcFs.read(pid, "cgroup"));
    }

    /** readlink /proc/PID/cwd. */
    public static String cwd(int pid) throws IOException {
        return ProcFs.readlink(ProcFs.pid(pid).resolve("cwd"));
    }

    /** readlink /proc/PID/root. */
    public static String root(int pid) throws IOException {
        return ProcFs.readlink(ProcFs.pid(pid).resolve("root"));
    }

    /** readlink /proc/PID/exe. */
    public static String exe(int pid) throws IOException {
        return ProcFs.readlink(ProcFs.pid(pid).resolve("exe"));
    }
}
