package org.jcriu.criu.proc;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ns/ links of a task: "net:[4026531840]" gives the namespace's inode. */
public final class Namespaces {
    /** The namespace kinds, as named under /proc/PID/ns. */
    public static final String[] KINDS = {"pid", "net", "ipc", "uts", "mnt", "user", "cgroup", "time"};

    private Namespaces() {}

    /** Inode of one namespace of a task, or 0 when the kernel has no such kind. */
    public static long inode(int pid, String kind) throws IOException {
        try {
            return parseLink(ProcFs.readlink(ProcFs.pid(pid).resolve("ns").resolve(kind)));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Inodes of every kind in {@link #KINDS}, in that order. */
    public static Map<String, Long> all(int pid) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String k : KINDS) m.put(k, inode(pid, k));
        return m;
    }

    /** "kind:[123]" -> 123. */
    public static long parseLink(String link) {
        int a = link.indexOf('[');
        int b = link.indexOf(']', a);
        if (a < 0 || b < 0) throw new IllegalArgumentException("not a namespace link: " + link);
        return Long.parseLong(link.substring(a + 1, b));
    }
}
