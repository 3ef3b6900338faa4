package org.jcriu.compel;

import static org.jcriu.compel.sys.Wait.WIFSTOPPED;
import static org.jcriu.compel.sys.Wait.WSTOPSIG;
import static org.jcriu.compel.sys.Wait.ptraceEvent;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.compel.sys.ErrnoException;
import org.jcriu.compel.sys.NoSuchProcessException;
import org.jcriu.compel.sys.Ptrace;
import org.jcriu.compel.sys.Signal;
import org.jcriu.compel.sys.Syscalls;
import org.jcriu.compel.sys.Wait;

/**
 * One seized thread of a {@link Tracee}. Every method runs on the tracer thread (callers on other
 * threads wait for it). While a thread is stopped its registers, xstate and signal mask can be
 * read and set, and syscalls run in it; registers changed by compel itself (remote syscalls,
 * parasite) are always put back.
 */
public final class TraceeThread {
    /** How the thread was found when seized. */
    public enum Found {
        /** running or sleeping: stopped by PTRACE_INTERRUPT, resumes on detach */
        RUNNING,
        /** in a group-stop (SIGSTOP and friends): stays stopped on detach */
        STOPPED,
        /** created under our trace (remote clone): stopped at its first instruction */
        NEW
    }

    private static final int O = 8;
    private static final int SIGINFO_SIZE = 128;
    private static final int SI_TKILL = -6;
    private static final int SI_KERNEL = 0x80;
    private static final int SYSCALL_STOP = Signal.SIGTRAP | 0x80;
    private static final int[] ARG_REGS = {UserRegs.RDI, UserRegs.RSI, UserRegs.RDX, UserRegs.R10, UserRegs.R8, UserRegs.R9};

    final Tracee tracee;
    final int tid;
    final Found found;
    final int foundStopSignal;
    private final Memory saved = new Memory(UserRegs.SIZE);
    private final Memory inj = new Memory(UserRegs.SIZE);
    private final Memory small = new Memory(256);
    private final long savedAddr = Pointer.nativeValue(saved);
    private final long injAddr = Pointer.nativeValue(inj);
    private final long smallAddr = Pointer.nativeValue(small);
    /** Java views of the same memory: copies and field access without a native call each */
    private final java.nio.ByteBuffer savedBuf = saved.getByteBuffer(0, UserRegs.SIZE).order(java.nio.ByteOrder.nativeOrder());
    private final java.nio.ByteBuffer injBuf = inj.getByteBuffer(0, UserRegs.SIZE).order(java.nio.ByteOrder.nativeOrder());
    /**
     * siginfo_t (128 bytes) of signals the thread dequeued while compel held it (their delivery
     * stop came during a remote syscall, the parasite or the seize): queued again, exactly, at
     * detach
     */
    final List<byte[]> heldSignals = new ArrayList<>();
    /** SIGTRAP blocked in the thread's mask: an int3 would unblock it, so the mask is put back */
    private long sigmask;
    private boolean sigmaskKnown;
    boolean running;
    boolean dead;
    /** {@code saved} holds the thread's registers (they are put back after every injection) */
    private boolean savedValid;

    TraceeThread(Tracee tracee, int tid, Found found, int foundStopSignal) {
        this.tracee = tracee;
        this.tid = tid;
        this.found = found;
        this.foundStopSignal = foundStopSignal;
    }

    /** @return the thread id */
    public int tid() {
        return tid;
    }

    /** @return the task this thread belongs to */
    public Tracee tracee() {
        return tracee;
    }

    /** @return how the thread was found when seized */
    public Found found() {
        return found;
    }

    /** @return the stop signal of a thread found {@link Found#STOPPED}, else 0 */
    public int foundStopSignal() {
        return foundStopSignal;
    }

    /**
     * Signals this thread took out of its (or its process's shared) queue while compel held it:
     * their delivery stops came while compel ran code in the thread (remote syscalls, parasite)
     * or was seizing it. compel does not let them through then; it queues each one again, with
     * its whole siginfo, to this thread when the task is detached or resumed. A dumper saves them
     * with the thread's pending signals (PTRACE_PEEKSIGINFO does not see them meanwhile).
     *
     * @return copies of their siginfo_t (128 bytes each), oldest first
     */
    public List<byte[]> heldSignals() {
        return tracer().call(() -> {
            List<byte[]> l = new ArrayList<>();
            for (byte[] b : heldSignals) {
                l.add(b.clone());
            }
            return l;
        });
    }

    /** @return whether the thread has exited since it was seized */
    public boolean isDead() {
        return dead;
    }

    private Tracer tracer() {
        return tracee.tracer;
    }

    // ---- registers ------------------------------------------------------------------------

    /** @return the general purpose registers */
    public UserRegs getRegs() {
        return tracer().call(() -> {
            requireStopped();
            Ptrace.getRegs(tid, injAddr);
            return UserRegs.read(inj);
        });
    }

    /** Sets the general purpose registers (they stay set: this is the caller's change). */
    public void setRegs(UserRegs regs) {
        tracer().run(() -> {
            requireStopped();
            regs.write(inj);
            savedValid = false;
            Ptrace.setRegs(tid, injAddr);
        });
    }

    /** @return the FPU/SSE/AVX state (PTRACE_GETREGSET NT_X86_XSTATE) */
    public XState getXState() {
        return tracer().call(() -> {
            requireStopped();
            Memory buf = new Memory(32768);
            small.setLong(0, com.sun.jna.Pointer.nativeValue(buf));
            small.setLong(8, buf.size());
            Ptrace.getRegset(tid, Ptrace.NT_X86_XSTATE, smallAddr);
            int len = (int) small.getLong(8);
            return new XState(buf.getByteArray(0, len));
        });
    }

    /** Sets the FPU/SSE/AVX state (PTRACE_SETREGSET NT_X86_XSTATE). */
    public void setXState(XState x) {
        tracer().run(() -> {
            requireStopped();
            byte[] b = x.bytes();
            Memory buf = new Memory(b.length);
            buf.write(0, b, 0, b.length);
            small.setLong(0, com.sun.jna.Pointer.nativeValue(buf));
            small.setLong(8, b.length);
            Ptrace.setRegset(tid, Ptrace.NT_X86_XSTATE, smallAddr);
        });
    }

    /** @return the blocked signal mask, bit {@code sig-1} per signal */
    public long getSigmask() {
        return tracer().call(() -> {
            requireStopped();
            return readSigmask();
        });
    }

    /** Sets the blocked signal mask. */
    public void setSigmask(long mask) {
        tracer().run(() -> {
            requireStopped();
            writeSigmask(mask);
        });
    }

    long readSigmask() {
        Ptrace.getSigmask(tid, smallAddr);
        sigmask = small.getLong(0);
        sigmaskKnown = true;
        return sigmask;
    }

    void writeSigmask(long mask) {
        small.setLong(0, mask);
        Ptrace.setSigmask(tid, smallAddr);
        sigmask = mask;
        sigmaskKnown = true;
    }

    // ---- remote syscalls -----------------------------------------------------------------

    /**
     * Runs one syscall in this thread and puts its registers back.
     *
     * @param nr the syscall number ({@link Syscalls#number(String)})
     * @param args up to six arguments; pointers must point into the task (see {@link Tracee#scratch()})
     * @return the syscall's raw result: {@code -errno} in -4095..-1 on failure (not thrown)
     * @throws CompelException when ptrace or the injection fails, or the task dies
     */
    public long syscall(int nr, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("a syscall takes at most 6 arguments");
        }
        return tracer().call(() -> doSyscall(nr, args));
    }

    /** Like {@link #syscall(int, long...)} by name. */
    public long syscall(String name, long... args) {
        return syscall(Syscalls.number(name), args);
    }

    /**
     * Runs a clone, clone3, fork or vfork syscall in this thread and takes the new task or thread
     * under trace (PTRACE_O_TRACECLONE/FORK/VFORK). The child starts stopped, with this thread's
     * registers after the syscall (rax 0, rip after the syscall instruction of compel's scratch
     * area): set its registers before resuming it.
     *
     * @return the result and the new thread
     */
    public CloneResult syscallClone(int nr, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("a syscall takes at most 6 arguments");
        }
        return tracer().call(() -> doClone(nr, args));
    }

    /**
     * Lets the thread run from its current registers until the exit of its next syscall (syscall
     * stops, PTRACE_SYSCALL), e.g. so that code can unmap the page it runs from. Signals arriving
     * meanwhile are kept for delivery at detach.
     *
     * @return the registers at the syscall exit stop (rax holds the result)
     */
    public UserRegs runToSyscallExit() {
        return tracer().call(() -> {
            requireStopped();
            savedValid = false;
            Ptrace.syscall(tid, 0);
            waitFor(SYSCALL_STOP, true, "running to syscall entry");
            Ptrace.syscall(tid, 0);
            waitFor(SYSCALL_STOP, true, "running to syscall exit");
            Ptrace.getRegs(tid, injAddr);
            return UserRegs.read(inj);
        });
    }

    /**
     * From a syscall exit stop (after {@link #runToSyscallExit()}), moves the thread to an
     * interrupt stop without running user code, so that registers set afterwards are handled like
     * those of a seized thread (an interrupted syscall in them restarts on resume).
     */
    public void leaveSyscallStop() {
        tracer().run(() -> {
            savedValid = false;
            toInterruptStop();
        });
    }

    /**
     * Runs the thread from {@code from} (e.g. code written into the task, with arguments in
     * registers) until it executes an {@code int3}, then puts the thread's own registers back.
     * Other signals stopping it meanwhile are held for detach; a ptrace event (a clone) fails.
     *
     * @return the registers at the trap (rip just after the int3)
     * @throws CompelException when ptrace fails, the thread dies, or it stops otherwise
     */
    public UserRegs runToTrap(UserRegs from) {
        return tracer().call(() -> {
            startCode(from);
            finishCode();
            return UserRegs.read(inj);
        });
    }

    /** @return the registers compel puts back after remote code: the thread's own (tracer thread only) */
    UserRegs savedOrCurrentRegs() {
        requireStopped();
        keepRegs();
        savedBuf.clear();
        return UserRegs.read(savedBuf.duplicate().order(java.nio.ByteOrder.nativeOrder()));
    }

    /**
     * Lets the thread run from {@code from} and returns at once (the start of
     * {@link #runToTrap}): other threads may be started meanwhile, each then finished by
     * {@link #finishCode()}. Tracer thread only.
     */
    void startCode(UserRegs from) {
        requireStopped();
        keepRegs();
        injBuf.clear();
        from.write(injBuf);
        injBuf.clear();
        Ptrace.setRegs(tid, injAddr);
        Ptrace.cont(tid, 0);
        running = true;
    }

    /**
     * Waits for the int3 of code started by {@link #startCode}, leaves the registers at the trap
     * in {@code inj} and puts the saved ones back. Tracer thread only.
     *
     * @return rax at the trap
     */
    long finishCode() {
        try {
            for (int passed = 0; ; passed++) {
                int st = waitStop("remote code");
                if (WSTOPSIG(st) == Signal.SIGTRAP && ptraceEvent(st) == 0 && trapFromInt3()) {
                    break;
                }
                if (ptraceEvent(st) != 0 || passed > 64) {
                    throw new CompelException("thread " + tid + ": remote code: unexpected stop, " + Wait.describe(st));
                }
                passOn(st, false);
            }
            Ptrace.getRegs(tid, injAddr);
            if (sigmaskKnown && (sigmask & Signal.bit(Signal.SIGTRAP)) != 0) {
                writeSigmask(sigmask); // the trap unblocked SIGTRAP (force_sig): put the mask back
            }
            return injBuf.getLong(UserRegs.RAX * O);
        } finally {
            running = false;
            restore();
        }
    }

    /** At a SIGTRAP stop: whether an int3 raised it (si_code SI_KERNEL), not a kill() from outside. */
    private boolean trapFromInt3() {
        Ptrace.getSiginfo(tid, smallAddr);
        return small.getInt(8) == SI_KERNEL;
    }

    void requireStopped() {
        if (dead) {
            throw NoSuchProcessException.gone("ptrace", "thread " + tid + " has exited");
        }
        if (running) {
            throw new CompelException("thread " + tid + " is running (parasite); cure it first");
        }
        if (!tracee.attached) {
            throw new CompelException("task " + tracee.pid + " is no longer attached");
        }
    }

    /** Forget the cached registers: something other than an injection changed them. */
    void regsChanged() {
        savedValid = false;
    }

    /** Reads the thread's own registers into {@code saved}, once: they are put back after remote code. */
    private void keepRegs() {
        if (!savedValid) {
            Ptrace.getRegs(tid, savedAddr);
            savedValid = true;
        }
    }

    private void prepare(int nr, long[] args, long rip) {
        keepRegs();
        injBuf.put(0, savedBuf, 0, UserRegs.SIZE);
        injBuf.putLong(UserRegs.RAX * O, nr);
        injBuf.putLong(UserRegs.ORIG_RAX * O, -1);
        injBuf.putLong(UserRegs.RIP * O, rip);
        for (int i = 0; i < 6; i++) {
            injBuf.putLong(ARG_REGS[i] * O, i < args.length ? args[i] : 0);
        }
        Ptrace.setRegs(tid, injAddr);
    }

    private void restore() {
        if (!dead) {
            Ptrace.setRegs(tid, savedAddr);
        }
    }

    long doSyscall(int nr, long[] args) {
        requireStopped();
        long site = tracee.trapSite(this);
        if (site == 0) {
            return doSyscallAt(tracee.syscallSite(), nr, args);
        }
        prepare(nr, args, site);
        try {
            Ptrace.cont(tid, 0);
            waitTrap(site); // leaves the registers at the trap in inj
            return injBuf.getLong(UserRegs.RAX * O);
        } finally {
            restore();
        }
    }

    /** The slow way, through a syscall instruction not followed by a trap: syscall stops. */
    long doSyscallAt(long site, int nr, long[] args) {
        requireStopped();
        prepare(nr, args, site);
        try {
            Ptrace.syscall(tid, 0);
            waitFor(SYSCALL_STOP, true, "remote syscall entry");
            Ptrace.syscall(tid, 0);
            waitFor(SYSCALL_STOP, true, "remote syscall exit");
            Ptrace.getRegs(tid, injAddr);
            long r = inj.getLong(UserRegs.RAX * O);
            toInterruptStop();
            return r;
        } finally {
            restore();
        }
    }

    private void toInterruptStop() {
        Ptrace.interrupt(tid);
        Ptrace.cont(tid, 0);
        // the stop signal is SIGTRAP, or the group-stop signal of a task in a group-stop
        waitFor(-Ptrace.PTRACE_EVENT_STOP, false, "interrupt after syscall");
    }

    private CloneResult doClone(int nr, long[] args) {
        requireStopped();
        long site = tracee.trapSite(this);
        if (site == 0) {
            throw new CompelException("remote clone needs compel's scratch area, unavailable in task " + tracee.pid);
        }
        prepare(nr, args, site);
        int child = 0;
        int event = 0;
        try {
            Ptrace.cont(tid, 0);
            while (true) {
                int st = waitStop("remote clone");
                int ev = ptraceEvent(st);
                if (ev == Ptrace.PTRACE_EVENT_CLONE || ev == Ptrace.PTRACE_EVENT_FORK || ev == Ptrace.PTRACE_EVENT_VFORK) {
                    Ptrace.getEventMsg(tid, smallAddr);
                    child = (int) small.getLong(0);
                    event = ev;
                    Ptrace.cont(tid, 0);
                    continue;
                }
                if (ev == Ptrace.PTRACE_EVENT_VFORK_DONE) {
                    Ptrace.cont(tid, 0);
                    continue;
                }
                if (isTrapAt(st, site)) {
                    break;
                }
                passOn(st, false);
            }
            Ptrace.getRegs(tid, injAddr);
            long r = inj.getLong(UserRegs.RAX * O);
            TraceeThread t = null;
            if (child > 0) {
                t = tracee.adoptChild(child, event == Ptrace.PTRACE_EVENT_CLONE && isThreadClone(nr, args));
            }
            return new CloneResult(r, t);
        } finally {
            restore();
        }
    }

    private boolean isThreadClone(int nr, long[] args) {
        final long cloneThread = 0x00010000L;
        if (nr == Syscalls.number("clone")) {
            return args.length > 0 && (args[0] & cloneThread) != 0;
        }
        if (nr == Syscalls.number("clone3") && args.length > 0) {
            long flags = tracee.readLong(args[0]);
            return (flags & cloneThread) != 0;
        }
        return false;
    }

    /** Collects the first stop of a thread created under trace. */
    void collectNewStop() {
        for (int passed = 0; passed < 64; passed++) {
            int st = waitStop("new thread's first stop");
            if (ptraceEvent(st) == Ptrace.PTRACE_EVENT_STOP) {
                return;
            }
            passOn(st, false);
        }
        throw new CompelException("thread " + tid + ": no first stop");
    }

    private boolean isTrapAt(int st, long site) {
        if (WSTOPSIG(st) != Signal.SIGTRAP || ptraceEvent(st) != 0) {
            return false;
        }
        Ptrace.getRegs(tid, injAddr);
        return injBuf.getLong(UserRegs.RIP * O) == site + 3;
    }

    private void waitTrap(long site) {
        for (int passed = 0; ; passed++) {
            int st = waitStop("remote syscall");
            if (passed > 64) {
                throw new CompelException("thread " + tid + ": remote syscall: unexpected stop, " + Wait.describe(st));
            }
            if (isTrapAt(st, site)) {
                if (sigmaskKnown && (sigmask & Signal.bit(Signal.SIGTRAP)) != 0) {
                    // the trap unblocked SIGTRAP (force_sig): put the mask back
                    writeSigmask(sigmask);
                }
                return;
            }
            passOn(st, false);
        }
    }

    /**
     * Waits for a stop with {@code (event << 8) | signal} equal to {@code want} (or, for a
     * negative {@code want}, with event {@code -want} and any signal), passing other stops on
     * (signals kept for detach), resuming with PTRACE_SYSCALL if {@code syscallMode}.
     */
    private void waitFor(int want, boolean syscallMode, String what) {
        for (int passed = 0; ; passed++) {
            int st = waitStop(what);
            if (want >= 0 ? ((st >> 8) & 0xffff) == want : ptraceEvent(st) == -want) {
                return;
            }
            if (passed > 64) {
                throw new CompelException("thread " + tid + ": " + what + ": unexpected stop, " + Wait.describe(st));
            }
            passOn(st, syscallMode);
        }
    }

    /** An unexpected stop: keep its signal for later, and let the thread go on. */
    private void passOn(int st, boolean syscallMode) {
        int sig = WSTOPSIG(st);
        int ev = ptraceEvent(st);
        if (ev == 0 && sig != Signal.SIGTRAP && sig != SYSCALL_STOP) {
            hold(sig);
            Ptrace.getRegs(tid, injAddr);
            tracer().log().log(Logger.Level.DEBUG, "thread " + tid + ": signal " + sig + " held for detach, rip "
                    + Long.toHexString(inj.getLong(UserRegs.RIP * O)) + " rax " + Long.toHexString(inj.getLong(UserRegs.RAX * O)));
        }
        if (syscallMode) {
            Ptrace.syscall(tid, 0);
        } else {
            Ptrace.cont(tid, 0);
        }
    }

    /**
     * Waits for this thread's next stop: one kept for it by another thread's wait first
     * ({@link Tracee#collectSiblingEvents}), else waitpid(tid, __WALL), which reports this thread
     * only; so threads running code at once can be waited for in any order. An exit marks it dead
     * and throws. @return the stop status
     */
    int waitStop(String what) {
        long r = tracee.takePending(tid);
        if (r < 0) {
            try {
                r = Wait.status(tid == tracee.pid && tracee.hasOtherLiveThreads(this) ? waitLeader()
                        : Wait.waitpid(tid, Wait.__WALL)) & 0xffffffffL;
            } catch (ErrnoException e) {
                if (e.errno() != org.jcriu.compel.sys.Errno.ECHILD) {
                    throw e;
                }
                dead = true;
                throw NoSuchProcessException.gone("waitpid", "thread " + tid + " is gone (" + what + ")");
            }
        }
        int st = (int) r;
        if (!WIFSTOPPED(st)) {
            dead = true;
            throw NoSuchProcessException.gone("waitpid", "thread " + tid + " " + Wait.describe(st) + " during " + what);
        }
        return st;
    }

    /**
     * Like {@link #waitStop} without blocking and without the exit check: a status kept for this
     * thread, else waitpid(tid, WNOHANG | __WALL).
     *
     * @return the wait status, or -1 if there is none yet
     */
    long pollStatus() {
        long r = tracee.takePending(tid);
        if (r >= 0) {
            return r;
        }
        r = Wait.waitpid(tid, Wait.__WALL | Wait.WNOHANG);
        return Wait.pid(r) == 0 ? -1 : Wait.status(r) & 0xffffffffL;
    }

    /**
     * Waits for the leader of a group with other traced threads. A dying group's leader is
     * reported only once its other threads are reaped, which only the tracer can do: so the
     * wait polls (a short spin, then growing sleeps) and meanwhile collects the siblings' events,
     * kept for their own waits (their stops too: a sibling may be at the trap of its own batch).
     */
    private long waitLeader() {
        long spinEnd = System.nanoTime() + 50_000;
        long sleep = 20_000;
        while (true) {
            long r = Wait.waitpid(tid, Wait.__WALL | Wait.WNOHANG);
            if (Wait.pid(r) != 0) {
                return r;
            }
            if (System.nanoTime() < spinEnd) {
                Thread.onSpinWait();
                continue;
            }
            tracee.collectSiblingEvents(this);
            if (!tracee.hasOtherLiveThreads(this)) {
                return Wait.waitpid(tid, Wait.__WALL); // every sibling reaped: the leader's own wait is enough
            }
            java.util.concurrent.locks.LockSupport.parkNanos(sleep);
            sleep = Math.min(sleep * 2, 2_000_000);
        }
    }

    /** At a signal-delivery stop of {@code sig}: keeps its siginfo (the caller then suppresses it). */
    void hold(int sig) {
        heldSignals.add(siginfoAt(tid, sig));
    }

    /** @return the siginfo of the signal-delivery stop {@code tid} is in (a bare one if unreadable) */
    static byte[] siginfoAt(int tid, int sig) {
        Memory m = new Memory(SIGINFO_SIZE);
        m.clear();
        try {
            Ptrace.getSiginfo(tid, Pointer.nativeValue(m));
        } catch (ErrnoException e) {
            m.clear();
            m.setInt(0, sig);
            m.setInt(8, SI_TKILL);
        }
        return m.getByteArray(0, SIGINFO_SIZE);
    }

    static int siginfoSigno(byte[] info) {
        return (info[0] & 0xff) | (info[1] & 0xff) << 8 | (info[2] & 0xff) << 16 | (info[3] & 0xff) << 24;
    }

    /**
     * Queues the held signals again to this thread, each with its whole siginfo, by
     * rt_tgsigqueueinfo run in the thread itself (which the kernel allows for any si_code). The
     * caller has blocked every signal in the thread, so that none is taken out again. Needs the
     * scratch area; what cannot be queued this way is left for tgkill at detach.
     */
    void requeueHeld() {
        if (heldSignals.isEmpty() || dead || running || !tracee.attached || tracee.trapSite(this) == 0) {
            return;
        }
        long buf = tracee.scratchAddress();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(SIGINFO_SIZE);
        List<byte[]> unblockable = new ArrayList<>();
        while (!heldSignals.isEmpty()) {
            byte[] info = heldSignals.remove(0);
            int sig = siginfoSigno(info);
            if (sig == Signal.SIGSTOP || sig == Signal.SIGKILL) {
                // cannot be blocked: queued now it would stop the thread here; tgkill at detach
                unblockable.add(info);
                continue;
            }
            b.clear();
            b.put(info).flip();
            tracee.writeMemory(buf, b);
            long r = doSyscall(Syscalls.number("rt_tgsigqueueinfo"), new long[] {tracee.pid, tid, sig, buf});
            if (r < 0) {
                tracer().log().log(Logger.Level.WARN, "thread " + tid + ": rt_tgsigqueueinfo(" + sig
                        + ") failed (" + r + "): sent with tgkill");
                Signal.tgkill(tracee.pid, tid, sig);
            }
        }
        heldSignals.addAll(unblockable);
    }

    void detach() {
        if (dead) {
            return;
        }
        try {
            for (byte[] info : heldSignals) {
                // not queued again by requeueHeld (no scratch area): the signal at least
                Signal.tgkill(tracee.pid, tid, siginfoSigno(info));
            }
            heldSignals.clear();
            Ptrace.detach(tid, 0);
        } catch (NoSuchProcessException e) {
            dead = true;
        }
    }

    @Override
    public String toString() {
        return "thread " + tid + " of " + tracee.pid;
    }

    /** What a remote clone gave: the syscall's result and the new thread, stopped and traced. */
    public static final class CloneResult {
        private final long result;
        private final TraceeThread child;

        CloneResult(long result, TraceeThread child) {
            this.result = result;
            this.child = child;
        }

        /** @return the syscall's raw result in the parent (the new tid, or -errno) */
        public long result() {
            return result;
        }

        /** @return the new thread, null if the clone failed */
        public TraceeThread child() {
            return child;
        }
    }

}
