package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.RestoreSys.*;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * One traced task (a thread, in kernel words) being restored, driven through
 * the trampoline the restore stub mapped at {@code tramp}: offset 0 is
 * {@code syscall; int3}, offset 16 the batch interpreter (see
 * native-asm/restorer/trampoline.S).
 *
 * <p>Every method must be called from the one thread that seized the task
 * (the restore runs on a single tracer thread). Syscall results come back as
 * values (negative errno on failure); ptrace failures throw.
 *
 * <p>Temporary home, like {@link RestoreSys}: this belongs in compel.
 */
final class RemoteTask {
    static final int NREGS = 27;
    static final int R15 = 0, R14 = 1, R13 = 2, R12 = 3, RBP = 4, RBX = 5, R11 = 6, R10 = 7, R9 = 8, R8 = 9,
            RAX = 10, RCX = 11, RDX = 12, RSI = 13, RDI = 14, ORIG_RAX = 15, RIP = 16, CS = 17, EFLAGS = 18,
            RSP = 19, SS = 20, FS_BASE = 21, GS_BASE = 22, DS = 23, ES = 24, FS = 25, GS = 26;
    static final int BATCH_OFFSET = 16;

    final int tid;
    final long tramp;
    private final Memory regsBuf = new Memory(NREGS * 8L);
    private final Memory iov = new Memory(32);
    private final int[] status = new int[1];
    /** The registers the task stopped with; remote calls start from a copy. */
    long[] base;
    long syscalls;

    RemoteTask(int tid, long tramp) {
        this.tid = tid;
        this.tramp = tramp;
    }

    /** PTRACE_SEIZE (killed with us if we die) + INTERRUPT, and waits for the stop. */
    static RemoteTask seize(int tid, long tramp) throws RestoreException {
        RemoteTask t = new RemoteTask(tid, tramp);
        t.pt("PTRACE_SEIZE", PTRACE_SEIZE, 0, PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
        t.pt("PTRACE_INTERRUPT", PTRACE_INTERRUPT, 0, 0);
        t.waitStop();
        t.base = t.getRegs();
        return t;
    }

    /** A task auto-attached by clone: collect its first stop. */
    static RemoteTask attached(int tid, long tramp) throws RestoreException {
        RemoteTask t = new RemoteTask(tid, tramp);
        t.waitStop();
        t.base = t.getRegs();
        return t;
    }

    long pt(String what, int req, long addr, long data) throws RestoreException {
        try {
            return ptrace(req, tid, addr, data);
        } catch (LastErrorException e) {
            throw RestoreException.errno(what + "(" + tid + ")", e.getErrorCode());
        }
    }

    /** Waits for the next stop of this task; returns the raw wait status. */
    int waitStop() throws RestoreException {
        try {
            waitpid(tid, status, __WALL);
        } catch (LastErrorException e) {
            throw RestoreException.errno("waitpid(" + tid + ")", e.getErrorCode());
        }
        int s = status[0];
        if ((s & 0xff) != 0x7f) {
            throw new RestoreException("task " + tid + " died during restore ("
                    + ((s & 0x7f) == 0 ? "exit " + ((s >> 8) & 0xff) : "signal " + (s & 0x7f)) + ")");
        }
        return s;
    }

    long[] getRegs() throws RestoreException {
        pt("PTRACE_GETREGS", PTRACE_GETREGS, 0, Pointer.nativeValue(regsBuf));
        return regsBuf.getLongArray(0, NREGS);
    }

    void setRegs(long[] r) throws RestoreException {
        regsBuf.write(0, r, 0, NREGS);
        pt("PTRACE_SETREGS", PTRACE_SETREGS, 0, Pointer.nativeValue(regsBuf));
    }

    /** Runs the task until the trampoline's int3; returns rax. Other stops are passed over. */
    long runToTrap(long[] r) throws RestoreException {
        setRegs(r);
        pt("PTRACE_CONT", PTRACE_CONT, 0, 0);
        return finishBatch();
    }

    /** One remote system call at the trampoline; the result (or -errno) is returned. */
    long syscall(long nr, long... args) throws RestoreException {
        long[] r = base.clone();
        r[RIP] = tramp;
        r[RAX] = nr;
        r[ORIG_RAX] = -1;
        int[] idx = {RDI, RSI, RDX, R10, R8, R9};
        for (int i = 0; i < args.length; i++) r[idx[i]] = args[i];
        syscalls++;
        return runToTrap(r);
    }

    /**
     * A remote clone3: the tracer sees PTRACE_EVENT_FORK/CLONE on this task
     * first, then the trampoline's int3. Returns the new tid or -errno.
     */
    long syscallExpectingClone(long nr, long... args) throws RestoreException {
        long[] r = base.clone();
        r[RIP] = tramp;
        r[RAX] = nr;
        r[ORIG_RAX] = -1;
        int[] idx = {RDI, RSI, RDX, R10, R8, R9};
        for (int i = 0; i < args.length; i++) r[idx[i]] = args[i];
        syscalls++;
        setRegs(r);
        pt("PTRACE_CONT", PTRACE_CONT, 0, 0);
        for (;;) {
            int s = waitStop();
            int sig = (s >> 8) & 0xff;
            int event = (s >> 16) & 0xff;
            if (sig == SIGTRAP && event == 0) break;
            pt("PTRACE_CONT", PTRACE_CONT, 0, 0);
        }
        return getRegs()[RAX];
    }

    /** Runs the batch interpreter over n ops at opsAddr; returns how many ops completed. */
    long runBatch(long opsAddr, long n) throws RestoreException {
        startBatch(opsAddr, n);
        return finishBatch();
    }

    /** Starts the batch interpreter and returns at once (another thread may run its own meanwhile). */
    void startBatch(long opsAddr, long n) throws RestoreException {
        long[] r = base.clone();
        r[RIP] = tramp + BATCH_OFFSET;
        r[RDI] = opsAddr;
        r[RSI] = n;
        r[ORIG_RAX] = -1;
        syscalls += n;
        setRegs(r);
        pt("PTRACE_CONT", PTRACE_CONT, 0, 0);
    }

    /**
     * Waits for the trampoline's int3 (the end of a syscall or of a started batch) and returns rax:
     * the syscall's result, or how many batch ops completed. Signals that stop the task meanwhile
     * are dropped: every signal is blocked early in the restore.
     */
    long finishBatch() throws RestoreException {
        for (;;) {
            int s = waitStop();
            int sig = (s >> 8) & 0xff;
            int event = (s >> 16) & 0xff;
            if (sig == SIGTRAP && event == 0) break;
            if (event != 0) throw new RestoreException("task " + tid + ": unexpected ptrace event " + event);
            pt("PTRACE_CONT", PTRACE_CONT, 0, 0);
        }
        return getRegs()[RAX];
    }

    /** Makes this (helper) thread exit(0) and collects its end. */
    void exitThread() throws RestoreException {
        long[] r = base.clone();
        r[RIP] = tramp;
        r[RAX] = 60;
        r[RDI] = 0;
        r[ORIG_RAX] = -1;
        setRegs(r);
        pt("PTRACE_CONT", PTRACE_CONT, 0, 0);
        for (;;) {
            try {
                waitpid(tid, status, __WALL);
            } catch (LastErrorException e) {
                return; // already reaped
            }
            if ((status[0] & 0xff) != 0x7f) return;
            pt("PTRACE_CONT", PTRACE_CONT, 0, 0);
        }
    }

    void write(long remote, Pointer local, long len) throws RestoreException {
        if (len == 0) return;
        vm(true, remote, local, len);
    }

    void read(long remote, Pointer local, long len) throws RestoreException {
        if (len == 0) return;
        vm(false, remote, local, len);
    }

    private void vm(boolean write, long remote, Pointer local, long len) throws RestoreException {
        iov.setPointer(0, local);
        iov.setLong(8, len);
        iov.setLong(16, remote);
        iov.setLong(24, len);
        long done;
        try {
            done = write ? process_vm_writev(tid, iov, 1, iov.share(16), 1, 0)
                    : process_vm_readv(tid, iov, 1, iov.share(16), 1, 0);
        } catch (LastErrorException e) {
            throw RestoreException.errno((write ? "process_vm_writev" : "process_vm_readv") + "(" + tid + ", 0x"
                    + Long.toHexString(remote) + ")", e.getErrorCode());
        }
        if (done != len) throw new RestoreException("short process_vm transfer in task " + tid);
    }

    /** PTRACE_SYSCALL and wait: used to stop at the entry and exit of the final munmap. */
    int syscallStep(long[] r) throws RestoreException {
        if (r != null) setRegs(r);
        pt("PTRACE_SYSCALL", PTRACE_SYSCALL, 0, 0);
        return waitStop();
    }

    void setXstate(Memory buf, long len) throws RestoreException {
        Memory v = new Memory(16);
        v.setPointer(0, buf);
        v.setLong(8, len);
        pt("PTRACE_SETREGSET(NT_X86_XSTATE)", PTRACE_SETREGSET, NT_X86_XSTATE, Pointer.nativeValue(v));
    }

    /** The current xstate buffer of this task (its size tells the kernel's xsave layout size). */
    Memory getXstate() throws RestoreException {
        Memory buf = new Memory(16384);
        buf.clear();
        Memory v = new Memory(16);
        v.setPointer(0, buf);
        v.setLong(8, 16384);
        pt("PTRACE_GETREGSET(NT_X86_XSTATE)", PTRACE_GETREGSET, NT_X86_XSTATE, Pointer.nativeValue(v));
        long n = v.getLong(8);
        Memory out = new Memory(n);
        out.write(0, buf.getByteArray(0, (int) n), 0, (int) n);
        return out;
    }

    long eventMsg() throws RestoreException {
        Memory m = new Memory(8);
        pt("PTRACE_GETEVENTMSG", PTRACE_GETEVENTMSG, 0, Pointer.nativeValue(m));
        return m.getLong(0);
    }

    void detach() throws RestoreException {
        pt("PTRACE_DETACH", PTRACE_DETACH, 0, 0);
    }
}
