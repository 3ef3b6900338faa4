package org.jcriu.compel.sys;

/**
 * ptrace(2) (linux/ptrace.h, x86-64). Every request except PTRACE_SEIZE must come from the thread
 * that attached; compel routes all of them through one tracer thread.
 */
public final class Ptrace {
    private Ptrace() {}

    public static final int PTRACE_TRACEME = 0;
    public static final int PTRACE_PEEKDATA = 2;
    public static final int PTRACE_PEEKUSER = 3;
    public static final int PTRACE_POKEDATA = 5;
    public static final int PTRACE_CONT = 7;
    public static final int PTRACE_KILL = 8;
    public static final int PTRACE_SINGLESTEP = 9;
    /** Copy user_regs_struct out (data = buffer of 216 bytes) */
    public static final int PTRACE_GETREGS = 12;
    /** Copy user_regs_struct in */
    public static final int PTRACE_SETREGS = 13;
    public static final int PTRACE_GETFPREGS = 14;
    public static final int PTRACE_SETFPREGS = 15;
    public static final int PTRACE_ATTACH = 16;
    public static final int PTRACE_DETACH = 17;
    /** Continue, stopping at the next syscall entry or exit */
    public static final int PTRACE_SYSCALL = 24;
    public static final int PTRACE_ARCH_PRCTL = 30;
    public static final int PTRACE_SETOPTIONS = 0x4200;
    public static final int PTRACE_GETEVENTMSG = 0x4201;
    public static final int PTRACE_GETSIGINFO = 0x4202;
    public static final int PTRACE_SETSIGINFO = 0x4203;
    /** Read a register set (addr = NT_ type, data = struct iovec *) */
    public static final int PTRACE_GETREGSET = 0x4204;
    /** Write a register set */
    public static final int PTRACE_SETREGSET = 0x4205;
    /** Attach without stopping the task (addr 0, data = options) */
    public static final int PTRACE_SEIZE = 0x4206;
    /** Stop a seized task */
    public static final int PTRACE_INTERRUPT = 0x4207;
    public static final int PTRACE_LISTEN = 0x4208;
    public static final int PTRACE_PEEKSIGINFO = 0x4209;
    /** Blocked signal mask (addr = 8, data = u64 *) */
    public static final int PTRACE_GETSIGMASK = 0x420a;
    public static final int PTRACE_SETSIGMASK = 0x420b;
    public static final int PTRACE_SECCOMP_GET_FILTER = 0x420c;
    public static final int PTRACE_SECCOMP_GET_METADATA = 0x420d;
    public static final int PTRACE_GET_SYSCALL_INFO = 0x420e;
    public static final int PTRACE_GET_RSEQ_CONFIGURATION = 0x420f;

    /** Syscall stops report SIGTRAP | 0x80 */
    public static final int PTRACE_O_TRACESYSGOOD = 1;
    public static final int PTRACE_O_TRACEFORK = 1 << 1;
    public static final int PTRACE_O_TRACEVFORK = 1 << 2;
    public static final int PTRACE_O_TRACECLONE = 1 << 3;
    public static final int PTRACE_O_TRACEEXEC = 1 << 4;
    public static final int PTRACE_O_TRACEVFORKDONE = 1 << 5;
    public static final int PTRACE_O_TRACEEXIT = 1 << 6;
    public static final int PTRACE_O_TRACESECCOMP = 1 << 7;
    /** SIGKILL the tracees when the tracer exits */
    public static final int PTRACE_O_EXITKILL = 1 << 20;
    public static final int PTRACE_O_SUSPEND_SECCOMP = 1 << 21;

    public static final int PTRACE_EVENT_FORK = 1;
    public static final int PTRACE_EVENT_VFORK = 2;
    public static final int PTRACE_EVENT_CLONE = 3;
    public static final int PTRACE_EVENT_EXEC = 4;
    public static final int PTRACE_EVENT_VFORK_DONE = 5;
    public static final int PTRACE_EVENT_EXIT = 6;
    public static final int PTRACE_EVENT_SECCOMP = 7;
    /** Stop reported for PTRACE_INTERRUPT, group-stop and new children of a seized tracee */
    public static final int PTRACE_EVENT_STOP = 128;

    /** elf.h: general purpose registers */
    public static final int NT_PRSTATUS = 1;
    /** elf.h: FXSAVE area */
    public static final int NT_PRFPREG = 2;
    /** elf.h: XSAVE area, standard (non compacted) format */
    public static final int NT_X86_XSTATE = 0x202;

    /** sizeof(struct user_regs_struct) on x86-64 */
    public static final int USER_REGS_SIZE = 27 * 8;

    private static String name(int request) {
        switch (request) {
            case PTRACE_CONT: return "ptrace(PTRACE_CONT)";
            case PTRACE_GETREGS: return "ptrace(PTRACE_GETREGS)";
            case PTRACE_SETREGS: return "ptrace(PTRACE_SETREGS)";
            case PTRACE_DETACH: return "ptrace(PTRACE_DETACH)";
            case PTRACE_SYSCALL: return "ptrace(PTRACE_SYSCALL)";
            case PTRACE_SETOPTIONS: return "ptrace(PTRACE_SETOPTIONS)";
            case PTRACE_GETEVENTMSG: return "ptrace(PTRACE_GETEVENTMSG)";
            case PTRACE_GETSIGINFO: return "ptrace(PTRACE_GETSIGINFO)";
            case PTRACE_GETREGSET: return "ptrace(PTRACE_GETREGSET)";
            case PTRACE_SETREGSET: return "ptrace(PTRACE_SETREGSET)";
            case PTRACE_SEIZE: return "ptrace(PTRACE_SEIZE)";
            case PTRACE_INTERRUPT: return "ptrace(PTRACE_INTERRUPT)";
            case PTRACE_LISTEN: return "ptrace(PTRACE_LISTEN)";
            case PTRACE_GETSIGMASK: return "ptrace(PTRACE_GETSIGMASK)";
            case PTRACE_SETSIGMASK: return "ptrace(PTRACE_SETSIGMASK)";
            default: return "ptrace(" + request + ")";
        }
    }

    /**
     * The raw request: {@code ptrace(request, pid, addr, data)} through the syscall (the PEEK
     * requests therefore store their word at {@code data}).
     *
     * @return the call's result
     * @throws ErrnoException on failure
     */
    public static long ptrace(int request, int pid, long addr, long data) {
        return Kernel.call(name(request), Syscalls.PTRACE, request, pid, addr, data, 0, 0);
    }

    /** PTRACE_SEIZE with the given PTRACE_O_ options. */
    public static void seize(int pid, int options) {
        ptrace(PTRACE_SEIZE, pid, 0, options);
    }

    /** PTRACE_INTERRUPT: stop a seized task (reported as PTRACE_EVENT_STOP). */
    public static void interrupt(int pid) {
        ptrace(PTRACE_INTERRUPT, pid, 0, 0);
    }

    /** PTRACE_CONT, delivering {@code signal} (0 for none). */
    public static void cont(int pid, int signal) {
        ptrace(PTRACE_CONT, pid, 0, signal);
    }

    /** PTRACE_SYSCALL: continue up to the next syscall entry or exit. */
    public static void syscall(int pid, int signal) {
        ptrace(PTRACE_SYSCALL, pid, 0, signal);
    }

    /** PTRACE_DETACH, delivering {@code signal} (0 for none). */
    public static void detach(int pid, int signal) {
        ptrace(PTRACE_DETACH, pid, 0, signal);
    }

    /** PTRACE_SETOPTIONS. */
    public static void setOptions(int pid, int options) {
        ptrace(PTRACE_SETOPTIONS, pid, 0, options);
    }

    /** PTRACE_GETREGS into native memory of {@link #USER_REGS_SIZE} bytes. */
    public static void getRegs(int pid, long regs) {
        ptrace(PTRACE_GETREGS, pid, 0, regs);
    }

    /** PTRACE_SETREGS from native memory of {@link #USER_REGS_SIZE} bytes. */
    public static void setRegs(int pid, long regs) {
        ptrace(PTRACE_SETREGS, pid, 0, regs);
    }

    /**
     * PTRACE_GETREGSET.
     *
     * @param iovec native struct iovec; the kernel shrinks iov_len to the size written
     */
    public static void getRegset(int pid, int type, long iovec) {
        ptrace(PTRACE_GETREGSET, pid, type, iovec);
    }

    /** PTRACE_SETREGSET from a native struct iovec. */
    public static void setRegset(int pid, int type, long iovec) {
        ptrace(PTRACE_SETREGSET, pid, type, iovec);
    }

    /** PTRACE_GETSIGMASK into native memory of 8 bytes. */
    public static void getSigmask(int pid, long mask) {
        ptrace(PTRACE_GETSIGMASK, pid, 8, mask);
    }

    /** PTRACE_SETSIGMASK from native memory of 8 bytes. */
    public static void setSigmask(int pid, long mask) {
        ptrace(PTRACE_SETSIGMASK, pid, 8, mask);
    }

    /** PTRACE_GETEVENTMSG into native memory of 8 bytes. */
    public static void getEventMsg(int pid, long msg) {
        ptrace(PTRACE_GETEVENTMSG, pid, 0, msg);
    }

    /** PTRACE_GETSIGINFO into native memory of 128 bytes (siginfo_t). */
    public static void getSiginfo(int pid, long siginfo) {
        ptrace(PTRACE_GETSIGINFO, pid, 0, siginfo);
    }
}
