package org.jcriu.criu.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * The few ptrace and wait calls the freezer makes. Every call must come from the
 * thread that seized the task (the kernel answers ESRCH otherwise).
 */
public final class Trace {
    private static final int NR_PTRACE = 101, NR_WAIT4 = 61;
    public static final int PTRACE_CONT = 7, PTRACE_DETACH = 17, PTRACE_GETREGS = 12, PTRACE_GET_THREAD_AREA = 25,
            PTRACE_GETREGSET = 0x4204, PTRACE_SEIZE = 0x4206, PTRACE_INTERRUPT = 0x4207, PTRACE_GETSIGMASK = 0x420a,
            PTRACE_PEEKSIGINFO = 0x4209, PTRACE_SECCOMP_GET_FILTER = 0x420c, PTRACE_GET_RSEQ_CONFIGURATION = 0x420f,
            PTRACE_GETSIGINFO = 0x4202, PTRACE_LISTEN = 0x4208;
    public static final int PTRACE_EVENT_STOP = 128, NT_X86_XSTATE = 0x202;
    public static final int WALL = 0x40000000, WNOHANG = 1;
    public static final int USER_REGS_SIZE = 27 * 8;

    private Trace() {}

    /** ptrace(req, pid, addr, data). */
    public static long ptrace(String name, int req, int pid, long addr, long data) throws Errno {
        return LibC.sys(name, NR_PTRACE, req, pid, addr, data, 0, 0);
    }

    /** waitpid(pid, &status, flags) via wait4; returns {pid, status}. */
    public static int[] waitpid(int pid, int flags) throws Errno {
        Memory st = new Memory(4);
        st.setInt(0, 0);
        long r = LibC.sys("wait4", NR_WAIT4, pid, com.sun.jna.Pointer.nativeValue(st), flags, 0, 0, 0);
        return new int[] {(int) r, st.getInt(0)};
    }

    /** kill(pid, sig). */
    public static void kill(int pid, int sig) throws Errno {
        try {
            LibC.kill(pid, sig);
        } catch (LastErrorException e) {
            throw new Errno("kill", e.getErrorCode());
        }
    }

    /** tgkill(tgid, tid, sig). */
    public static void tgkill(int tgid, int tid, int sig) throws Errno {
        LibC.sys("tgkill", 234, tgid, tid, sig, 0, 0, 0);
    }

    /** prlimit(pid, resource): {cur, max}. */
    public static long[] prlimit(int pid, int resource) throws Errno {
        Memory m = new Memory(16);
        try {
            LibC.prlimit(pid, resource, null, m);
        } catch (LastErrorException e) {
            throw new Errno("prlimit", e.getErrorCode());
        }
        return new long[] {m.getLong(0), m.getLong(8)};
    }

    /** kcmp(pid1, pid2, type, idx1, idx2): 0 equal, 1/2 ordered, 3 not equal. */
    public static int kcmp(int pid1, int pid2, int type, long idx1, long idx2) throws Errno {
        return (int) LibC.sys("kcmp", 312, pid1, pid2, type, idx1, idx2, 0);
    }

    /** get_robust_list(tid, &head, &len). */
    public static void getRobustList(int tid, com.sun.jna.Memory head, com.sun.jna.Memory len) throws Errno {
        LibC.sys("get_robust_list", 274, tid, com.sun.jna.Pointer.nativeValue(head), com.sun.jna.Pointer.nativeValue(len), 0, 0, 0);
    }

    /** kcmp types. */
    public static final int KCMP_FILE = 0, KCMP_VM = 1, KCMP_FILES = 2, KCMP_FS = 3, KCMP_SIGHAND = 4;
}
