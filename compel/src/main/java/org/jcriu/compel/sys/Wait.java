package org.jcriu.compel.sys;

import com.sun.jna.Memory;

/**
 * waitpid(2) through wait4 and the status macros of sys/wait.h. A status is an int; a result
 * of {@link #waitpid} packs the pid (high 32 bits) with the status (low 32 bits) so that no
 * object is allocated per wait.
 */
public final class Wait {
    private Wait() {}

    /** Don't block */
    public static final int WNOHANG = 1;
    /** Report stopped children not traced */
    public static final int WUNTRACED = 2;
    /** Report continued children */
    public static final int WCONTINUED = 8;
    /** Wait for clone children only */
    public static final int __WCLONE = 0x80000000;
    /** Wait for any child, clone or not (needed for threads of a traced task) */
    public static final int __WALL = 0x40000000;
    /** Don't wait on children of other threads of this group */
    public static final int __WNOTHREAD = 0x20000000;

    private static final ThreadLocal<Memory> STATUS = ThreadLocal.withInitial(() -> new Memory(8));

    /**
     * waitpid(pid, &status, options).
     *
     * @return {@code (pid << 32) | status}; pid 0 with WNOHANG when nothing changed
     * @throws ErrnoException on failure (ECHILD when not our child or tracee)
     */
    public static long waitpid(int pid, int options) {
        Memory st = STATUS.get();
        st.setInt(0, 0);
        long r;
        do {
            r = Kernel.raw(Syscalls.WAIT4, pid, com.sun.jna.Pointer.nativeValue(st), options, 0, 0, 0);
        } while (r == -1 && Errno.last() == Errno.EINTR);
        if (r == -1) {
            throw ErrnoException.of("waitpid", Errno.last());
        }
        return (r << 32) | (st.getInt(0) & 0xffffffffL);
    }

    /** waitid: wait for exited children */
    public static final int WEXITED = 4;
    /** waitid idtype: one pid */
    public static final int P_PID = 1;

    private static final ThreadLocal<Memory> SIGINFO = ThreadLocal.withInitial(() -> new Memory(128));
    private static final int WAITID = Syscalls.number("waitid");

    /**
     * Collects the exit of {@code tid} if it has exited, without touching its stops
     * (waitid(P_PID, tid, WEXITED | WNOHANG | __WALL)).
     *
     * <p>Not for a thread that may be at a ptrace stop: the kernel reports a tracee's stops to its
     * tracer whatever the options say, so this takes (and its caller loses) such a stop. compel
     * itself no longer uses it: a tracee's events are collected by waitpid and kept per thread.
     *
     * @return true if it had exited (now reaped) or is not ours to wait for any more, or if it
     *     was at a ptrace stop (now taken)
     * @deprecated takes ptrace stops too; kept for compatibility of compel 0.2.0's API
     */
    @Deprecated
    public static boolean reapExit(int tid) {
        Memory info = SIGINFO.get();
        info.setInt(12, 0); // si_pid
        long r = Kernel.raw(WAITID, P_PID, tid, com.sun.jna.Pointer.nativeValue(info), WEXITED | WNOHANG | __WALL, 0, 0);
        if (r == -1) {
            int e = Errno.last();
            if (e == Errno.ECHILD) {
                return true;
            }
            if (e == Errno.EINTR) {
                return false;
            }
            throw ErrnoException.of("waitid", e);
        }
        return info.getInt(12) == tid;
    }

    /** @return the pid part of a {@link #waitpid} result */
    public static int pid(long result) {
        return (int) (result >>> 32);
    }

    /** @return the status part of a {@link #waitpid} result */
    public static int status(long result) {
        return (int) result;
    }

    public static boolean WIFEXITED(int status) {
        return (status & 0x7f) == 0;
    }

    public static int WEXITSTATUS(int status) {
        return (status >> 8) & 0xff;
    }

    public static boolean WIFSIGNALED(int status) {
        return ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f && (status & 0x7f) != 0;
    }

    public static int WTERMSIG(int status) {
        return status & 0x7f;
    }

    public static boolean WIFSTOPPED(int status) {
        return (status & 0xff) == 0x7f;
    }

    public static int WSTOPSIG(int status) {
        return (status >> 8) & 0xff;
    }

    /** @return the PTRACE_EVENT_ of a ptrace stop ({@code status >> 16}), 0 if none */
    public static int ptraceEvent(int status) {
        return (status >> 16) & 0xff;
    }

    /** @return a readable form of a status, for messages */
    public static String describe(int status) {
        if (WIFEXITED(status)) {
            return "exited with " + WEXITSTATUS(status);
        }
        if (WIFSTOPPED(status)) {
            int ev = ptraceEvent(status);
            return "stopped by signal " + WSTOPSIG(status) + (ev != 0 ? " event " + ev : "");
        }
        if ((status & 0xffff) == 0xffff) {
            return "continued";
        }
        return "killed by signal " + WTERMSIG(status);
    }
}
