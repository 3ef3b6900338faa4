package org.jcriu.criu.restore;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * Raw libc bindings the restore engine drives tasks with: ptrace, waitpid,
 * process_vm_readv/writev, prctl, kill. Direct-mapped JNA; errno arrives as
 * {@link LastErrorException} and becomes {@link RestoreException} in the
 * callers.
 *
 * <p>Temporary home: the ptrace part belongs in compel (its Tracer thread);
 * it lives here, separate and small, until compel's API covers clone
 * auto-attach, syscall-exit stops and a batch entry point.
 */
final class RestoreSys {
    private RestoreSys() {}

    static {
        Native.register(NativeLibrary.getInstance("c"));
    }

    static final int PTRACE_CONT = 7, PTRACE_KILL = 8, PTRACE_DETACH = 17, PTRACE_SYSCALL = 24;
    static final int PTRACE_GETREGS = 12, PTRACE_SETREGS = 13;
    static final int PTRACE_GETREGSET = 0x4204, PTRACE_SETREGSET = 0x4205;
    static final int PTRACE_SEIZE = 0x4206, PTRACE_INTERRUPT = 0x4207, PTRACE_SETOPTIONS = 0x4200;
    static final int PTRACE_GETEVENTMSG = 0x4201;
    static final int PTRACE_O_TRACESYSGOOD = 1, PTRACE_O_TRACEFORK = 2, PTRACE_O_TRACEVFORK = 4, PTRACE_O_TRACECLONE = 8;
    static final int PTRACE_O_EXITKILL = 0x100000;
    static final int PTRACE_EVENT_FORK = 1, PTRACE_EVENT_VFORK = 2, PTRACE_EVENT_CLONE = 3, PTRACE_EVENT_STOP = 128;
    static final int NT_X86_XSTATE = 0x202;
    static final int __WALL = 0x40000000, WNOHANG = 1;
    static final int SIGKILL = 9, SIGTRAP = 5, SIGSTOP = 19, SIGCHLD = 17;
    static final int PR_SET_CHILD_SUBREAPER = 36;

    static native long ptrace(long request, long pid, long addr, long data) throws LastErrorException;

    static native long ptrace(long request, long pid, long addr, Pointer data) throws LastErrorException;

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native long process_vm_writev(int pid, Pointer local, long nlocal, Pointer remote, long nremote, long flags)
            throws LastErrorException;

    static native long process_vm_readv(int pid, Pointer local, long nlocal, Pointer remote, long nremote, long flags)
            throws LastErrorException;

    static native int prctl(int option, long a2, long a3, long a4, long a5) throws LastErrorException;

    static native int kill(int pid, int sig) throws LastErrorException;

    static native int getpid();
}
