package org.jcriu.compel.sys;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * x86-64 syscall numbers from jcriu's one table, the packaged {@code /org/jcriu/nativeasm/syscalls.tbl}
 * (the same table gives the parasite its {@code __NR_} constants).
 */
public final class Syscalls {
    private static final Map<String, Integer> BY_NAME;
    private static final String[] BY_NUMBER;

    static {
        Map<String, Integer> m = new HashMap<>();
        int max = 0;
        try (InputStream in = Syscalls.class.getResourceAsStream("/org/jcriu/nativeasm/syscalls.tbl")) {
            if (in == null) {
                throw new IllegalStateException("syscalls.tbl not on the class path (jcriu-native-asm missing)");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                int nr = Integer.parseInt(f[1]);
                m.put(f[0], nr);
                max = Math.max(max, nr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BY_NAME = Collections.unmodifiableMap(m);
        BY_NUMBER = new String[max + 1];
        m.forEach((k, v) -> BY_NUMBER[v] = k);
    }

    private Syscalls() {}

    /**
     * @param name syscall name without prefix, e.g. {@code "getpid"}
     * @return its number
     * @throws IllegalArgumentException for a name not in the table
     */
    public static int number(String name) {
        Integer nr = BY_NAME.get(name);
        if (nr == null) {
            throw new IllegalArgumentException("unknown syscall: " + name);
        }
        return nr;
    }

    /**
     * @param nr a syscall number
     * @return its name, or null if not in the table
     */
    public static String name(int nr) {
        return nr >= 0 && nr < BY_NUMBER.length ? BY_NUMBER[nr] : null;
    }

    /** @return every name and number in the table */
    public static Map<String, Integer> all() {
        return BY_NAME;
    }

    /** close, for callers outside this package */
    public static final int CLOSE_NR = number("close");
    /** prctl, for callers outside this package */
    public static final int PRCTL_NR = number("prctl");
    static final int READ = number("read");
    static final int WRITE = number("write");
    static final int CLOSE = number("close");
    static final int POLL = number("poll");
    static final int MMAP = number("mmap");
    static final int MUNMAP = number("munmap");
    static final int PREADV = number("preadv");
    static final int PWRITEV = number("pwritev");
    static final int SOCKETPAIR = number("socketpair");
    static final int SENDMSG = number("sendmsg");
    static final int RECVMSG = number("recvmsg");
    static final int WAIT4 = number("wait4");
    static final int KILL = number("kill");
    static final int FCNTL = number("fcntl");
    static final int FTRUNCATE = number("ftruncate");
    static final int PTRACE = number("ptrace");
    static final int PRCTL = number("prctl");
    static final int GETTID = number("gettid");
    static final int TGKILL = number("tgkill");
    static final int OPENAT = number("openat");
    static final int SPLICE = number("splice");
    static final int VMSPLICE = number("vmsplice");
    static final int PIPE2 = number("pipe2");
    static final int PROCESS_VM_READV = number("process_vm_readv");
    static final int PROCESS_VM_WRITEV = number("process_vm_writev");
    static final int MEMFD_CREATE = number("memfd_create");
    static final int PIDFD_OPEN = number("pidfd_open");
    static final int PIDFD_GETFD = number("pidfd_getfd");
    static final int PIDFD_SEND_SIGNAL = number("pidfd_send_signal");
}
