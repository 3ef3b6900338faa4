package org.jcriu.criu.proc;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /proc/PID/status (or task/TID/status): "Key:\tvalue" lines. Typed getters for
 * what the dump needs; {@link #get} for the rest.
 */
public final class ProcStatus {
    private final Map<String, String> fields;

    private ProcStatus(Map<String, String> fields) {
        this.fields = fields;
    }

    /** Parses the text of a status file. */
    public static ProcStatus parse(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : s.split("\n")) {
            int c = line.indexOf(':');
            if (c <= 0) continue;
            m.put(line.substring(0, c), line.substring(c + 1).trim());
        }
        return new ProcStatus(m);
    }

    /** Reads /proc/PID/status. */
    public static ProcStatus read(int pid) throws IOException {
        return parse(ProcFs.read(pid, "status"));
    }

    /** Reads /proc/PID/task/TID/status. */
    public static ProcStatus read(int pid, int tid) throws IOException {
        return parse(ProcFs.read(ProcFs.task(pid, tid).resolve("status")));
    }

    /** The raw value of a key, or null. */
    public String get(String key) {
        return fields.get(key);
    }

    private long[] longs(String key) {
        String v = fields.get(key);
        if (v == null || v.isEmpty()) return new long[0];
        String[] w = v.split("\\s+");
        long[] out = new long[w.length];
        for (int i = 0; i < w.length; i++) out[i] = Long.parseLong(w[i]);
        return out;
    }

    private long hex(String key) {
        String v = fields.get(key);
        return v == null ? 0 : Long.parseUnsignedLong(v, 16);
    }

    private long dec(String key, long dflt) {
        String v = fields.get(key);
        if (v == null) return dflt;
        return Long.parseLong(v.split("\\s+")[0]);
    }

    /** Uid: real, effective, saved, fs. */ public long[] uids() { return longs("Uid"); }
    /** Gid: real, effective, saved, fs. */ public long[] gids() { return longs("Gid"); }
    /** Supplementary groups. */ public long[] groups() { return longs("Groups"); }
    /** NSpid: the pid in each pid namespace, outermost first. */ public long[] nsPids() { return longs("NSpid"); }
    /** Tgid. */ public int tgid() { return (int) dec("Tgid", 0); }
    /** PPid. */ public int ppid() { return (int) dec("PPid", 0); }
    /** Threads. */ public int threads() { return (int) dec("Threads", 1); }
    /** State letter. */ public char state() { String s = fields.get("State"); return s == null ? '?' : s.charAt(0); }
    /** Umask (octal in the file). */ public int umask() { String v = fields.get("Umask"); return v == null ? 0 : Integer.parseInt(v, 8); }
    /** Pending signals of this thread. */ public long sigPnd() { return hex("SigPnd"); }
    /** Pending signals of the process. */ public long shdPnd() { return hex("ShdPnd"); }
    /** Blocked signals. */ public long sigBlk() { return hex("SigBlk"); }
    /** Ignored signals. */ public long sigIgn() { return hex("SigIgn"); }
    /** Caught signals. */ public long sigCgt() { return hex("SigCgt"); }
    /** Inheritable capabilities. */ public long capInh() { return hex("CapInh"); }
    /** Permitted capabilities. */ public long capPrm() { return hex("CapPrm"); }
    /** Effective capabilities. */ public long capEff() { return hex("CapEff"); }
    /** Bounding set. */ public long capBnd() { return hex("CapBnd"); }
    /** Ambient capabilities. */ public long capAmb() { return hex("CapAmb"); }
    /** no_new_privs. */ public boolean noNewPrivs() { return dec("NoNewPrivs", 0) != 0; }
    /** Seccomp mode: 0 off, 1 strict, 2 filter. */ public int seccompMode() { return (int) dec("Seccomp", 0); }
    /** Number of seccomp filters attached. */ public int seccompFilters() { return (int) dec("Seccomp_filters", 0); }
    /** Name (comm). */ public String name() { return fields.get("Name"); }
}
