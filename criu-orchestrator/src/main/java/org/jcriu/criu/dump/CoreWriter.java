package org.jcriu.criu.dump;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.proc.ProcMisc;
import org.jcriu.criu.proc.ProcStat;
import org.jcriu.criu.proc.ProcStatus;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Trace;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.CredsEntry;
import org.jcriu.images.proto.RlimitEntry;
import org.jcriu.images.proto.SaEntry;
import org.jcriu.images.proto.SeccompMode;
import org.jcriu.images.proto.SignalQueueEntry;
import org.jcriu.images.proto.TaskCoreEntry;
import org.jcriu.images.proto.TaskRlimitsEntry;
import org.jcriu.images.proto.TaskTimersEntry;
import org.jcriu.images.proto.ThreadCoreEntry;
import org.jcriu.images.proto.ThreadInfoX86;
import org.jcriu.images.proto.ThreadSasEntry;

/**
 * core-TID.img of each thread: registers, and what /proc, ptrace and the
 * parasite told (creds, signals, rlimits, timers, seccomp, rseq...); the
 * leader's carries the process-wide task_core. Remembers each thread's
 * clear_child_tid and robust list for the kill ({@link #exitAddrs}).
 */
final class CoreWriter {
    /** compel's task states as CRIU's images carry them; a zombie is saved as DEAD. */
    private static final int TASK_ALIVE = 1, TASK_DEAD = 2, TASK_STOPPED = 3;
    private static final int RLIM_NLIMITS = 16;

    private final Path dir;
    private final Freezer freezer;
    /** tid -> {clear_child_tid, robust list head, its length}, as saved in the cores: put back if the kill is called off */
    final Map<Integer, long[]> exitAddrs = new HashMap<>();

    CoreWriter(Path dir, Freezer freezer) {
        this.dir = dir;
        this.freezer = freezer;
    }

    void write(TaskNode t, int tid, ThreadRegs r, boolean leader, ProcStatus pstatus, TaskInfo info)
            throws IOException {
        int pid = t.pid;
        ProcStatus ts = ProcStatus.read(pid, tid);
        ProcStat tst = ProcStat.read(pid, tid);
        ThreadInfoX86.Builder ti = ThreadInfoX86.newBuilder().setClearTidAddr(info.clearTid.get(tid)).setGpregs(r.gpregs)
                .setFpregs(r.fpregs);
        for (int e = 12; e <= 14; e++) ti.addTls(ThreadRegs.emptyTls(e));
        long[] rl = robustList(tid);
        exitAddrs.put(tid, new long[] {info.clearTid.get(tid), rl[0], rl[1]});
        CredsEntry creds = creds(ts).toBuilder().setSecbits(info.secbits.get(tid))
                .setNoNewPrivs(ts.noNewPrivs() ? 1 : 0).build();
        ThreadCoreEntry.Builder tc = ThreadCoreEntry.newBuilder().setFutexRla(rl[0]).setFutexRlaLen((int) rl[1])
                .setSchedNice(tst.nice).setSchedPolicy(tst.policy)
                .setSas(info.sas.get(tid))
                .setSignalsP(pendingSignals(tid, false, t.tracee.thread(tid).heldSignals())).setCreds(creds)
                .setComm(ProcMisc.comm(pid, tid)).setCgSet(1);
        if (tst.policy != 0) tc.setSchedPrio(tst.rtPriority);
        int pds = info.pdeathsig.getOrDefault(tid, 0);
        if (pds != 0) tc.setPdeathSig(pds);
        if (!leader) tc.setBlkSigset(r.sigmask);
        if (r.rseq != null) tc.setRseqEntry(r.rseq);
        int[] sc = info.seccomp.getOrDefault(tid, new int[] {0, -1});
        if (sc[0] != SeccompDumper.SECCOMP_MODE_DISABLED) tc.setSeccompMode(SeccompMode.forNumber(sc[0]));
        if (sc[1] >= 0) tc.setSeccompFilter(sc[1]);
        tc.setTimerslackNs(ProcMisc.timerslackNs(tid));
        CoreEntry.Builder core = CoreEntry.newBuilder().setMtype(CoreEntry.March.X86_64).setThreadInfo(ti);
        if (leader) {
            TaskCoreEntry.Builder task = TaskCoreEntry.newBuilder()
                    .setTaskState(t.stopped ? TASK_STOPPED : TASK_ALIVE).setExitCode(0)
                    .setPersonality(ProcMisc.personality(pid)).setFlags((int) t.stat.flags).setBlkSigset(r.sigmask)
                    .setComm(t.stat.comm).setTimers(info.timers).setRlimits(rlimits(pid))
                    .setSignalsS(pendingSignals(tid, true, List.of())).setLoginuid((int) ProcMisc.loginuid(pid))
                    .setOomScoreAdj(ProcMisc.oomScoreAdj(pid)).addAllSigactions(info.sigactions)
                    .setChildSubreaper(info.childSubreaper);
            if (t.stopped && t.stopSignal != 0) task.setStopSigno(t.stopSignal);
            if (info.membarrier != 0) task.setMembarrierRegistrationMask(info.membarrier);
            core.setTc(task);
        }
        core.setThreadCore(tc);
        try (ImageWriter o = ImageWriter.create(dir.resolve("core-" + tid + ".img"), ImageType.CORE)) {
            o.write(core.build());
        }
    }

    private static long[] robustList(int tid) {
        try {
            com.sun.jna.Memory head = new com.sun.jna.Memory(8), len = new com.sun.jna.Memory(8);
            Trace.getRobustList(tid, head, len);
            return new long[] {head.getLong(0), len.getLong(0)};
        } catch (Errno e) {
            return new long[] {0, 0};
        }
    }

    /**
     * Signals queued to the thread (or, shared, to the process), as siginfo_t bytes: PTRACE_PEEKSIGINFO;
     * after {@code held}, those compel took out of the queues while it ran code in the thread.
     */
    private SignalQueueEntry pendingSignals(int tid, boolean shared, List<byte[]> held) throws IOException {
        SignalQueueEntry.Builder q = SignalQueueEntry.newBuilder();
        for (byte[] b : held) {
            q.addSignals(org.jcriu.images.proto.SiginfoEntry.newBuilder()
                    .setSiginfo(com.google.protobuf.ByteString.copyFrom(b)));
        }
        List<byte[]> infos = freezer.onTracer(() -> {
            List<byte[]> out = new ArrayList<>();
            com.sun.jna.Memory arg = new com.sun.jna.Memory(16), buf = new com.sun.jna.Memory(128L * 32);
            for (long off = 0; ; ) {
                arg.setLong(0, off);
                arg.setInt(8, shared ? 1 : 0);
                arg.setInt(12, 32);
                long n = Trace.ptrace("ptrace(PTRACE_PEEKSIGINFO)", Trace.PTRACE_PEEKSIGINFO, tid,
                        com.sun.jna.Pointer.nativeValue(arg), com.sun.jna.Pointer.nativeValue(buf));
                if (n <= 0) break;
                for (int i = 0; i < n; i++) out.add(buf.getByteArray(128L * i, 128));
                off += n;
            }
            return out;
        });
        for (byte[] b : infos) {
            q.addSignals(org.jcriu.images.proto.SiginfoEntry.newBuilder()
                    .setSiginfo(com.google.protobuf.ByteString.copyFrom(b)));
        }
        return q.build();
    }

    /** What the task told through compel. */
    static final class TaskInfo {
        List<SaEntry> sigactions;
        TaskTimersEntry timers;
        int dumpable = 1;
        boolean childSubreaper;
        int membarrier;
        final Map<Integer, ThreadSasEntry> sas = new HashMap<>();
        final Map<Integer, Long> clearTid = new HashMap<>();
        final Map<Integer, Integer> secbits = new HashMap<>();
        final Map<Integer, Integer> pdeathsig = new HashMap<>();
        /** tid -> {seccomp mode, index in seccomp.img of its first filter to install (oldest) or -1} */
        Map<Integer, int[]> seccomp = Map.of();
    }


    /** The 16 rlimits, from /proc/PID/limits (prlimit on another task needs CAP_SYS_RESOURCE). */
    private static TaskRlimitsEntry rlimits(int pid) throws IOException {
        TaskRlimitsEntry.Builder b = TaskRlimitsEntry.newBuilder();
        long[][] l = ProcMisc.limits(pid);
        for (int r = 0; r < RLIM_NLIMITS && r < l.length; r++) {
            b.addRlimits(RlimitEntry.newBuilder().setCur(l[r][0]).setMax(l[r][1]));
        }
        return b.build();
    }

    private static CredsEntry creds(ProcStatus s) {
        long[] u = s.uids(), g = s.gids();
        CredsEntry.Builder c = CredsEntry.newBuilder().setUid((int) u[0]).setGid((int) g[0]).setEuid((int) u[1])
                .setEgid((int) g[1]).setSuid((int) u[2]).setSgid((int) g[2]).setFsuid((int) u[3]).setFsgid((int) g[3])
                .setSecbits(0);
        caps(c::addCapInh, s.capInh());
        caps(c::addCapPrm, s.capPrm());
        caps(c::addCapEff, s.capEff());
        caps(c::addCapBnd, s.capBnd());
        caps(c::addCapAmb, s.capAmb());
        for (long gr : s.groups()) c.addGroups((int) gr);
        return c.build();
    }

    private static void caps(java.util.function.IntConsumer add, long v) {
        add.accept((int) v);
        add.accept((int) (v >>> 32));
    }

    void writeZombie(TaskNode t) throws IOException {
        int pid = t.pid;
        CoreEntry core = CoreEntry.newBuilder().setMtype(CoreEntry.March.X86_64)
                .setTc(TaskCoreEntry.newBuilder().setTaskState(TASK_DEAD).setExitCode(t.stat.exitCode)
                        .setPersonality(0).setFlags((int) t.stat.flags).setBlkSigset(0).setComm(t.stat.comm))
                .build();
        try (ImageWriter o = ImageWriter.create(dir.resolve("core-" + pid + ".img"), ImageType.CORE)) {
            o.write(core);
        }
    }

}
