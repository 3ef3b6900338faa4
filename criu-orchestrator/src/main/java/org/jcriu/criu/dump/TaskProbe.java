package org.jcriu.criu.dump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.sys.Syscalls;
import org.jcriu.criu.proc.PosixTimers;
import org.jcriu.images.proto.ItimerEntry;
import org.jcriu.images.proto.PosixTimerEntry;
import org.jcriu.images.proto.SaEntry;
import org.jcriu.images.proto.TaskTimersEntry;
import org.jcriu.images.proto.ThreadSasEntry;

/**
 * What only the task itself can tell, asked by remote syscalls that compel runs in
 * the stopped task (its scratch area holds the out-arguments; compel removes it
 * at resume, kill or detach): sigactions, itimers, POSIX timers, dumpable,
 * child subreaper, membarrier registrations, and per thread securebits, the
 * sigaltstack, the parent-death signal and the clear_child_tid address.
 */
final class TaskProbe {
    private static final int PR_GET_CHILD_SUBREAPER = 37;
    private static final int PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_GET_SECUREBITS = 27, PR_GET_TID_ADDRESS = 40;
    private static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;

    private final Tracee tracee;
    private final long scratch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(256).order(ByteOrder.nativeOrder());

    TaskProbe(Tracee tracee) {
        this.tracee = tracee;
        this.scratch = tracee.scratch();
    }

    private ByteBuffer read(int n) {
        buf.clear().limit(n);
        int got = tracee.readMemory(scratch, buf);
        if (got != n) throw new IllegalStateException("read " + got + " of " + n + " bytes of scratch memory");
        buf.flip();
        return buf;
    }

    private long check(String call, long r) throws DumpException {
        if (r < 0 && r > -4096) {
            throw new DumpException("task " + tracee.pid() + ": " + call + " in the task failed with error(" + -r + ")");
        }
        return r;
    }

    /** rt_sigaction(sig, NULL, &old, 8) for every signal but SIGKILL and SIGSTOP, in CRIU's order. */
    List<SaEntry> sigactions() throws DumpException {
        List<SaEntry> out = new ArrayList<>();
        int nr = Syscalls.number("rt_sigaction");
        for (int sig = 1; sig <= 64; sig++) {
            if (sig == 9 || sig == 19) continue;
            check("rt_sigaction(" + sig + ")", tracee.syscall(nr, sig, 0, scratch, 8));
            ByteBuffer b = read(32);
            out.add(SaEntry.newBuilder().setSigaction(b.getLong(0)).setFlags(b.getLong(8)).setRestorer(b.getLong(16))
                    .setMask(b.getLong(24)).setCompatSigaction(false).build());
        }
        return out;
    }

    /** getitimer for ITIMER_REAL, VIRTUAL, PROF and timer_gettime for each POSIX timer. */
    TaskTimersEntry timers(List<PosixTimers.Timer> posix) throws DumpException {
        int nr = Syscalls.number("getitimer");
        ItimerEntry[] it = new ItimerEntry[3];
        for (int which = 0; which < 3; which++) {
            check("getitimer", tracee.syscall(nr, which, scratch));
            ByteBuffer b = read(32);
            it[which] = ItimerEntry.newBuilder().setIsec(b.getLong(0)).setIusec(b.getLong(8)).setVsec(b.getLong(16))
                    .setVusec(b.getLong(24)).build();
        }
        TaskTimersEntry.Builder t = TaskTimersEntry.newBuilder().setReal(it[0]).setVirt(it[1]).setProf(it[2]);
        for (PosixTimers.Timer p : posix) {
            check("timer_gettime", tracee.syscall(Syscalls.number("timer_gettime"), p.id(), scratch));
            ByteBuffer b = read(32);
            long overrun = check("timer_getoverrun", tracee.syscall(Syscalls.number("timer_getoverrun"), p.id()));
            int notify = switch (p.notifyKind()) {
                case "none" -> SIGEV_NONE;
                case "thread" -> SIGEV_THREAD_ID;
                default -> SIGEV_SIGNAL;
            };
            PosixTimerEntry.Builder e = PosixTimerEntry.newBuilder().setItId(p.id()).setClockId(p.clockId())
                    .setSiSigno(p.signo()).setItSigevNotify(notify).setSivalPtr(p.sigevValue())
                    .setOverrun((int) overrun).setIsec(b.getLong(0)).setInsec(b.getLong(8)).setVsec(b.getLong(16))
                    .setVnsec(b.getLong(24));
            if (notify == SIGEV_THREAD_ID) e.setNotifyThreadId(p.notifyTid());
            t.addPosix(e);
        }
        return t.build();
    }

    /** prctl(PR_GET_DUMPABLE). */
    int dumpable() throws DumpException {
        return (int) check("prctl(PR_GET_DUMPABLE)", tracee.syscall(Syscalls.number("prctl"), PR_GET_DUMPABLE, 0, 0, 0, 0));
    }

    /** prctl(PR_GET_SECUREBITS) in one thread. */
    int securebits(TraceeThread th) throws DumpException {
        return (int) check("prctl(PR_GET_SECUREBITS)", th.syscall(Syscalls.number("prctl"), PR_GET_SECUREBITS, 0, 0, 0, 0));
    }

    /** sigaltstack(NULL, &ss) in one thread. */
    ThreadSasEntry sigaltstack(TraceeThread th) throws DumpException {
        check("sigaltstack", th.syscall(Syscalls.number("sigaltstack"), 0, scratch));
        ByteBuffer b = read(24);
        return ThreadSasEntry.newBuilder().setSsSp(b.getLong(0)).setSsFlags(b.getInt(8)).setSsSize(b.getLong(16)).build();
    }

    /** MEMBARRIER_CMD_GET_REGISTRATIONS (Linux 6.3) */
    private static final int MEMBARRIER_CMD_GET_REGISTRATIONS = 1 << 9;

    /**
     * membarrier(MEMBARRIER_CMD_GET_REGISTRATIONS): the MEMBARRIER_CMD_REGISTER_* commands the mm
     * has been registered with; 0 on a kernel without the command (EINVAL).
     */
    int membarrierRegistrations() throws DumpException {
        long r = tracee.syscall(Syscalls.number("membarrier"), MEMBARRIER_CMD_GET_REGISTRATIONS, 0, 0);
        if (r == -22) return 0;
        return (int) check("membarrier(MEMBARRIER_CMD_GET_REGISTRATIONS)", r);
    }

    /** prctl(PR_GET_CHILD_SUBREAPER, &flag). */
    boolean childSubreaper() throws DumpException {
        check("prctl(PR_GET_CHILD_SUBREAPER)", tracee.syscall(Syscalls.number("prctl"), PR_GET_CHILD_SUBREAPER, scratch, 0, 0, 0));
        return read(4).getInt(0) != 0;
    }

    /** prctl(PR_GET_PDEATHSIG, &sig) in one thread. */
    int pdeathsig(TraceeThread th) throws DumpException {
        check("prctl(PR_GET_PDEATHSIG)", th.syscall(Syscalls.number("prctl"), PR_GET_PDEATHSIG, scratch, 0, 0, 0));
        return read(4).getInt(0);
    }

    /** prctl(PR_GET_TID_ADDRESS, &addr) in one thread: its clear_child_tid. */
    long clearTid(TraceeThread th) throws DumpException {
        check("prctl(PR_GET_TID_ADDRESS)", th.syscall(Syscalls.number("prctl"), PR_GET_TID_ADDRESS, scratch, 0, 0, 0));
        return read(8).getLong(0);
    }
}
