package org.jcriu.criu.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** /proc/PID/timers: the POSIX timers of a process (ids, signal, notify, clock). */
public final class PosixTimers {
    /**
     * One timer.
     * @param id timer id as timer_create returned it
     * @param signo signal sent on expiry
     * @param sigevValue sigev_value as hex in the file
     * @param notifyKind "signal", "thread", "none" (SIGEV_SIGNAL, SIGEV_THREAD_ID, SIGEV_NONE)
     * @param notifyTid target of SIGEV_THREAD_ID / pid of SIGEV_SIGNAL
     * @param clockId the timer's clock
     */
    public record Timer(int id, int signo, long sigevValue, String notifyKind, int notifyTid, int clockId) {}

    private PosixTimers() {}

    /** Parses the text of a timers file. */
    public static List<Timer> parse(String text) {
        List<Timer> out = new ArrayList<>();
        int id = 0, signo = 0, tid = 0, clock = 0;
        long value = 0;
        String kind = "signal";
        boolean open = false;
        for (String line : text.split("\n")) {
            int c = line.indexOf(':');
            if (c < 0) continue;
            String k = line.substring(0, c).trim();
            String v = line.substring(c + 1).trim();
            switch (k) {
                case "ID" -> {
                    if (open) out.add(new Timer(id, signo, value, kind, tid, clock));
                    id = Integer.parseInt(v);
                    open = true;
                }
                case "signal" -> {
                    String[] p = v.split("/");
                    signo = Integer.parseInt(p[0]);
                    value = p.length > 1 ? Long.parseUnsignedLong(p[1], 16) : 0;
                }
                case "notify" -> {
                    // "signal/pid.123" or "thread/tid.123" or "none/pid.123"
                    String[] p = v.split("/");
                    kind = p[0];
                    if (p.length > 1) tid = Integer.parseInt(p[1].substring(p[1].indexOf('.') + 1));
                }
                case "ClockID" -> clock = Integer.parseInt(v);
                default -> { }
            }
        }
        if (open) out.add(new Timer(id, signo, value, kind, tid, clock));
        return out;
    }

    /** Reads /proc/PID/timers. */
    public static List<Timer> read(int pid) throws IOException {
        return parse(ProcFs.read(pid, "timers"));
    }
}
