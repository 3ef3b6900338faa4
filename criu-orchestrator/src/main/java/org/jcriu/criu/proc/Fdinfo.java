package org.jcriu.criu.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * /proc/PID/fdinfo/FD. The common lines (pos, flags, mnt_id, ino) and the
 * per-kind ones: eventfd-count, epoll's tfd lines, signalfd's sigmask,
 * timerfd's clockid/ticks/settime flags/it_value/it_interval, inotify wd
 * lines, and lock lines.
 */
public final class Fdinfo {
    /** One "tfd:" line of an epoll fdinfo: a watched target. */
    public record EpollTarget(int tfd, int events, long data, long pos, long ino, int sdev) {}

    /** One "inotify wd:" line: a watch. */
    public record InotifyWatch(int wd, long ino, int sdev, int mask, int ignoredMask,
                               int fhandleBytes, int fhandleType, String fhandle) {}

    private final Map<String, String> kv;
    private final List<EpollTarget> epoll;
    private final List<InotifyWatch> inotify;
    private final List<String> locks;

    private Fdinfo(Map<String, String> kv, List<EpollTarget> epoll, List<InotifyWatch> inotify, List<String> locks) {
        this.kv = kv;
        this.epoll = epoll;
        this.inotify = inotify;
        this.locks = locks;
    }

    /** Parses the text of an fdinfo file. */
    public static Fdinfo parse(String s) {
        Map<String, String> kv = new HashMap<>();
        List<EpollTarget> ep = new ArrayList<>();
        List<InotifyWatch> in = new ArrayList<>();
        List<String> locks = new ArrayList<>();
        for (String line : s.split("\n")) {
            if (line.isBlank()) continue;
            if (line.startsWith("tfd:")) {
                Map<String, String> w = words(line);
                ep.add(new EpollTarget(Integer.parseInt(w.get("tfd")), (int) Long.parseLong(w.get("events"), 16),
                        Long.parseUnsignedLong(w.get("data"), 16), Long.parseLong(w.getOrDefault("pos", "0")),
                        Long.parseLong(w.getOrDefault("ino", "0"), 16), Integer.parseInt(w.getOrDefault("sdev", "0"), 16)));
                continue;
            }
            if (line.startsWith("inotify ")) {
                Map<String, String> w = words(line.substring(8));
                in.add(new InotifyWatch(Integer.parseInt(w.get("wd")), Long.parseLong(w.get("ino"), 16),
                        Integer.parseInt(w.getOrDefault("sdev", "0"), 16), (int) Long.parseLong(w.get("mask"), 16),
                        (int) Long.parseLong(w.getOrDefault("ignored_mask", "0"), 16),
                        Integer.parseInt(w.getOrDefault("fhandle-bytes", "0"), 16),
                        Integer.parseInt(w.getOrDefault("fhandle-type", "0"), 16), w.getOrDefault("f_handle", "")));
                continue;
            }
            if (line.startsWith("lock:")) {
                locks.add(line.substring(5).trim());
                continue;
            }
            int c = line.indexOf(':');
            if (c > 0) kv.put(line.substring(0, c).trim(), line.substring(c + 1).trim());
        }
        return new Fdinfo(kv, ep, in, locks);
    }

    /** "k:v k:v" words of a tfd/inotify line; values may follow the colon after spaces. */
    private static Map<String, String> words(String line) {
        Map<String, String> m = new HashMap<>();
        String[] t = line.trim().split("\\s+");
        for (int i = 0; i < t.length; i++) {
            int c = t[i].indexOf(':');
            if (c < 0) continue;
            String k = t[i].substring(0, c);
            String v = t[i].substring(c + 1);
            if (v.isEmpty() && i + 1 < t.length) v = t[++i];
            m.put(k, v);
        }
        return m;
    }

    /** Reads /proc/PID/fdinfo/FD. */
    public static Fdinfo read(int pid, int fd) throws IOException {
        return parse(ProcFs.read(ProcFs.pid(pid).resolve("fdinfo").resolve(Integer.toString(fd))));
    }

    /** A raw value, or null. */
    public String get(String key) {
        return kv.get(key);
    }

    /** True if the file has this key. */
    public boolean has(String key) {
        return kv.containsKey(key);
    }

    /** File position. */ public long pos() { return Long.parseLong(kv.getOrDefault("pos", "0")); }
    /** open(2) flags (octal in the file), O_CLOEXEC included. */ public int flags() { return Integer.parseInt(kv.getOrDefault("flags", "0"), 8); }
    /** Mount id of the file. */ public int mntId() { return Integer.parseInt(kv.getOrDefault("mnt_id", "-1")); }
    /** Inode number. */ public long ino() { return Long.parseLong(kv.getOrDefault("ino", "0")); }
    /** eventfd counter. */ public long eventfdCount() { return Long.parseUnsignedLong(kv.get("eventfd-count"), 16); }
    /** True if this is an eventfd. */ public boolean isEventfd() { return kv.containsKey("eventfd-count"); }
    /** eventfd EFD_SEMAPHORE mode, when the kernel shows it. */ public boolean eventfdSemaphore() { return "1".equals(kv.get("eventfd-semaphore")); }
    /** signalfd's mask. */ public long sigmask() { return Long.parseUnsignedLong(kv.get("sigmask"), 16); }
    /** True if this is a signalfd (fdinfo has sigmask). */ public boolean isSignalfd() { return kv.containsKey("sigmask"); }
    /** True if this is a timerfd. */ public boolean isTimerfd() { return kv.containsKey("clockid") && kv.containsKey("it_value"); }
    /** timerfd clock. */ public int clockid() { return Integer.parseInt(kv.get("clockid")); }
    /** timerfd expirations not yet read. */ public long ticks() { return Long.parseLong(kv.get("ticks")); }
    /** timerfd settime flags (octal). */ public int settimeFlags() { return Integer.parseInt(kv.getOrDefault("settime flags", "0"), 8); }
    /** timerfd it_value {sec, nsec}. */ public long[] itValue() { return pair(kv.get("it_value")); }
    /** timerfd it_interval {sec, nsec}. */ public long[] itInterval() { return pair(kv.get("it_interval")); }
    /** epoll targets. */ public List<EpollTarget> epollTargets() { return Collections.unmodifiableList(epoll); }
    /** inotify watches. */ public List<InotifyWatch> inotifyWatches() { return Collections.unmodifiableList(inotify); }
    /** lock lines, as /proc/locks prints them. */ public List<String> locks() { return Collections.unmodifiableList(locks); }

    private static long[] pair(String v) {
        // "(4, 11512499)"
        String t = v.replace("(", "").replace(")", "");
        String[] p = t.split(",");
        return new long[] {Long.parseLong(p[0].trim()), Long.parseLong(p[1].trim())};
    }
}
