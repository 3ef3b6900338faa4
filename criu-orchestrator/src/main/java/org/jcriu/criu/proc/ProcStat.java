package org.jcriu.criu.proc;

import java.io.IOException;

/**
 * /proc/PID/stat (or task/TID/stat), see proc(5). The comm field may hold spaces
 * and parentheses, so fields are counted from the last ')'. Fields that the
 * kernel hides from non-tracers read as 0.
 */
public final class ProcStat {
    /** Field 1. */ public final int pid;
    /** Field 2, without the parentheses. */ public final String comm;
    /** Field 3: R, S, D, T, t, Z, X, I... */ public final char state;
    /** Field 4. */ public final int ppid;
    /** Field 5. */ public final int pgid;
    /** Field 6. */ public final int sid;
    /** Field 7: the controlling terminal, kernel-encoded device number (0: none). */ public final int ttyNr;
    /** Field 8: the foreground process group of the controlling terminal (-1: none). */ public final int tpgid;
    /** Field 9: PF_* flags. */ public final long flags;
    /** Field 19. */ public final int nice;
    /** Field 20. */ public final int numThreads;
    /** Field 22: start time in clock ticks since boot. */ public final long startTime;
    /** Field 26. */ public final long startCode;
    /** Field 27. */ public final long endCode;
    /** Field 28. */ public final long startStack;
    /** Field 38. */ public final int exitSignal;
    /** Field 41. */ public final int policy;
    /** Field 40. */ public final int rtPriority;
    /** Field 45. */ public final long startData;
    /** Field 46. */ public final long endData;
    /** Field 47. */ public final long startBrk;
    /** Field 48. */ public final long argStart;
    /** Field 49. */ public final long argEnd;
    /** Field 50. */ public final long envStart;
    /** Field 51. */ public final long envEnd;
    /** Field 52: the wait status for a zombie. */ public final int exitCode;

    private ProcStat(String s) {
        int lp = s.indexOf('(');
        int rp = s.lastIndexOf(')');
        if (lp < 0 || rp < lp) throw new IllegalArgumentException("bad stat line: " + s);
        pid = Integer.parseInt(s.substring(0, lp).trim());
        comm = s.substring(lp + 1, rp);
        String[] f = s.substring(rp + 1).trim().split("\\s+");
        // f[0] is field 3
        state = f[0].charAt(0);
        ppid = (int) num(f, 4);
        pgid = (int) num(f, 5);
        sid = (int) num(f, 6);
        ttyNr = (int) num(f, 7);
        tpgid = (int) num(f, 8);
        flags = num(f, 9);
        nice = (int) num(f, 19);
        numThreads = (int) num(f, 20);
        startTime = num(f, 22);
        startCode = num(f, 26);
        endCode = num(f, 27);
        startStack = num(f, 28);
        exitSignal = (int) num(f, 38);
        rtPriority = (int) num(f, 40);
        policy = (int) num(f, 41);
        startData = num(f, 45);
        endData = num(f, 46);
        startBrk = num(f, 47);
        argStart = num(f, 48);
        argEnd = num(f, 49);
        envStart = num(f, 50);
        envEnd = num(f, 51);
        exitCode = (int) num(f, 52);
    }

    private static long num(String[] f, int field) {
        int i = field - 3;
        if (i >= f.length) return 0;
        return f[i].startsWith("-") ? Long.parseLong(f[i]) : Long.parseUnsignedLong(f[i]);
    }

    /** Parses the text of a stat file. */
    public static ProcStat parse(String s) {
        return new ProcStat(s);
    }

    /** Reads /proc/PID/stat. */
    public static ProcStat read(int pid) throws IOException {
        return parse(ProcFs.read(pid, "stat"));
    }

    /** Reads /proc/PID/task/TID/stat. */
    public static ProcStat read(int pid, int tid) throws IOException {
        return parse(ProcFs.read(ProcFs.task(pid, tid).resolve("stat")));
    }

    /** True for a zombie (Z) or a dead task (X). */
    public boolean isZombie() {
        return state == 'Z' || state == 'X';
    }
}
