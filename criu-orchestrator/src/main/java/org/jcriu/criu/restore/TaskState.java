package org.jcriu.criu.restore;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;

/**
 * The last per-thread and per-process state, set by the task itself just
 * before its registers: POSIX timers (with their saved ids), pending
 * signals (queued back to the task by the task, so any si_code is allowed),
 * and credentials (groups, bounding set, securebits, uids and gids,
 * capabilities, ambient capabilities), which go last because they may drop
 * the privileges the restore needs.
 */
final class TaskState {
    private TaskState() {}

    static final int NR_rt_sigqueueinfo = 129, NR_rt_tgsigqueueinfo = 297, NR_timer_create = 222,
            NR_timer_settime = 223, NR_timer_delete = 226, NR_setgroups = 116, NR_setresuid = 117,
            NR_setresgid = 119, NR_setfsuid = 122, NR_setfsgid = 123, NR_capset = 126, NR_prctl = 157;
    static final int PR_CAPBSET_DROP = 24, PR_SET_SECUREBITS = 28, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_RAISE = 2,
            PR_TIMER_CREATE_RESTORE_IDS = 77;
    static final int SECBIT_KEEP_CAPS = 1 << 4, SECBIT_NO_SETUID_FIXUP = 1 << 2;
    static final int CAP_LAST = 40;

    /** POSIX timers of the process, each with its saved id. Run in the leader. */
    static void posixTimers(Batch b, List<ProtoMsg> timers, int pid) {
        if (timers.isEmpty()) return;
        // ask the kernel to create the ids we give it (Linux 6.17+); without it ids are
        // handed out from 0 up, so timers are created in id order with fillers
        int restoreIds = b.op("prctl(PR_TIMER_CREATE_RESTORE_IDS)", NR_prctl, PR_TIMER_CREATE_RESTORE_IDS, 1, 0, 0, 0);
        b.flags(restoreIds, Batch.F_ANY);
        // in id order, as the task made them: /proc/PID/timers lists them newest first
        List<ProtoMsg> sorted = new java.util.ArrayList<>(timers);
        sorted.sort(java.util.Comparator.comparingLong(t -> t.u64(1)));
        for (ProtoMsg t : sorted) {
            long id = t.u64(1);
            long idp = b.longs(id);
            // struct sigevent (64 bytes): sigev_value, sigev_signo, sigev_notify, then the thread id for SIGEV_THREAD_ID
            long sev = b.longs(t.u64(5), (t.u64(3) & 0xffffffffL) | (t.u64(4) << 32), t.has(11) ? t.u64(11) & 0xffffffffL : pid,
                    0, 0, 0, 0, 0);
            b.op("timer_create(id " + id + ") (core-" + pid + ".img)", NR_timer_create, t.u64(2), sev, idp);
            long its = b.longs(t.u64(7), t.u64(8), t.u64(9), t.u64(10));
            if (t.u64(9) != 0 || t.u64(10) != 0) {
                b.op("timer_settime(" + id + ")", NR_timer_settime, id, 0, its, 0);
            }
        }
        b.flags(b.op("prctl(PR_TIMER_CREATE_RESTORE_IDS, off)", NR_prctl, PR_TIMER_CREATE_RESTORE_IDS, 0, 0, 0, 0), Batch.F_ANY);
    }

    /** Pending signals: the process's shared queue (leader only) and this thread's own. */
    static void pendingSignals(Batch b, ProtoMsg queue, int tgid, int tid, boolean shared) throws InvalidProtocolBufferException {
        if (queue == null) return;
        for (ProtoMsg s : queue.msgs(1)) {
            ByteString si = s.bytes(1);
            if (si == null || si.size() < 12) continue;
            byte[] info = si.toByteArray();
            int signo = (info[0] & 0xff) | (info[1] & 0xff) << 8 | (info[2] & 0xff) << 16 | (info[3] & 0xff) << 24;
            long a = b.bytes(info);
            if (shared) b.op("rt_sigqueueinfo(" + signo + ")", NR_rt_sigqueueinfo, tgid, signo, a);
            else b.op("rt_tgsigqueueinfo(" + tid + ", " + signo + ")", NR_rt_tgsigqueueinfo, tgid, tid, signo, a);
        }
    }

    static final int NR_setpriority = 141, NR_sched_setscheduler = 144;
    static final int PR_SET_PDEATHSIG = 1, PR_SET_DUMPABLE = 4, PR_SET_CHILD_SUBREAPER = 36, PR_SET_THP_DISABLE = 41,
            PR_SET_TIMERSLACK = 29;

    /** Per-thread scheduling, parent-death signal and timer slack, from thread_core. */
    static void threadMisc(Batch b, ProtoMsg th, int tid) {
        if (th == null) return;
        if (th.u64(8) != 0) b.op("prctl(PR_SET_PDEATHSIG)", NR_prctl, PR_SET_PDEATHSIG, th.u64(8), 0, 0, 0);
        if (th.u64(17) != 0) b.op("prctl(PR_SET_TIMERSLACK, " + th.u64(17) + ")", NR_prctl, PR_SET_TIMERSLACK, th.u64(17), 0, 0, 0);
        long nice = th.s32(3, 0);
        if (nice != 0) b.op("setpriority(" + tid + ", " + nice + ")", NR_setpriority, 0, tid, nice);
        long policy = th.u64(4);
        if (policy != 0) {
            long param = b.longs(th.u64(5));
            b.op("sched_setscheduler(" + tid + ", " + policy + ")", NR_sched_setscheduler, tid, policy, param);
        }
    }

    static final int NR_membarrier = 324;
    /** MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, _PRIVATE_EXPEDITED, _SYNC_CORE, _RSEQ */
    static final int[] MEMBARRIER_REGISTER_CMDS = {1 << 2, 1 << 4, 1 << 6, 1 << 8};

    /**
     * Process-wide state: child subreaper, THP disabled, dumpable, membarrier registrations (each
     * bit of the mask is the MEMBARRIER_CMD_REGISTER_* command to run again).
     */
    static void processMisc(Batch b, ProtoMsg tc, TaskPlan t) {
        if (tc != null && tc.u64(18) != 0) b.op("prctl(PR_SET_CHILD_SUBREAPER)", NR_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        if (t.thpDisabled) b.op("prctl(PR_SET_THP_DISABLE)", NR_prctl, PR_SET_THP_DISABLE, 1, 0, 0, 0);
        if (t.dumpable >= 0 && t.dumpable != 1) b.op("prctl(PR_SET_DUMPABLE)", NR_prctl, PR_SET_DUMPABLE, t.dumpable, 0, 0, 0);
        long membarrier = tc == null ? 0 : tc.u64(22);
        for (int cmd : MEMBARRIER_REGISTER_CMDS) {
            if ((membarrier & cmd) != 0) b.op("membarrier(register 0x" + Integer.toHexString(cmd) + ")", NR_membarrier, cmd, 0, 0);
        }
    }

    /** Credentials of one thread, from thread_core.creds. */
    static void creds(Batch b, ProtoMsg c) throws InvalidProtocolBufferException {
        if (c == null) return;
        long[] groups = c.u64s(14);
        long g = b.alloc(4L * Math.max(1, groups.length));
        int[] gi = new int[groups.length];
        for (int i = 0; i < groups.length; i++) gi[i] = (int) groups[i];
        if (gi.length > 0) {
            byte[] raw = new byte[4 * gi.length];
            for (int i = 0; i < gi.length; i++) {
                raw[4 * i] = (byte) gi[i];
                raw[4 * i + 1] = (byte) (gi[i] >> 8);
                raw[4 * i + 2] = (byte) (gi[i] >> 16);
                raw[4 * i + 3] = (byte) (gi[i] >> 24);
            }
            g = b.bytes(raw);
        }
        b.op("setgroups", NR_setgroups, gi.length, g);
        long[] bnd = c.u64s(12);
        if (bnd.length >= 2) {
            long bset = (bnd[0] & 0xffffffffL) | (bnd[1] << 32);
            for (int cap = 0; cap <= 63; cap++) {
                if ((bset & (1L << cap)) == 0) {
                    int op = b.op("prctl(PR_CAPBSET_DROP, " + cap + ")", NR_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0);
                    b.flags(op, Batch.F_ANY); // caps this kernel does not know
                }
            }
        }
        long secbits = c.u64(13);
        b.op("prctl(PR_SET_SECUREBITS, keep caps)", NR_prctl, PR_SET_SECUREBITS, secbits | SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP, 0, 0, 0);
        b.op("setresgid", NR_setresgid, c.u64(2), c.u64(4), c.u64(6));
        b.flags(b.op("setfsgid", NR_setfsgid, c.u64(8)), Batch.F_ANY);
        b.op("setresuid", NR_setresuid, c.u64(1), c.u64(3), c.u64(5));
        b.flags(b.op("setfsuid", NR_setfsuid, c.u64(7)), Batch.F_ANY);
        // the saved bits while CAP_SETPCAP is still effective (no uid change follows)
        b.op("prctl(PR_SET_SECUREBITS)", NR_prctl, PR_SET_SECUREBITS, secbits, 0, 0, 0);
        long[] inh = c.u64s(9), prm = c.u64s(10), eff = c.u64s(11);
        // _LINUX_CAPABILITY_VERSION_3, pid 0; two data structs {effective, permitted, inheritable}
        long hdr = b.longs(0x20080522L);
        long data = b.longs((at(eff, 0)) | (at(prm, 0) << 32), at(inh, 0) | (at(eff, 1) << 32), at(prm, 1) | (at(inh, 1) << 32));
        b.op("capset", NR_capset, hdr, data);
        long[] amb = c.u64s(19);
        if (amb.length >= 2) {
            long aset = (amb[0] & 0xffffffffL) | (amb[1] << 32);
            for (int cap = 0; cap <= 63; cap++) {
                if ((aset & (1L << cap)) != 0) {
                    b.op("prctl(PR_CAP_AMBIENT_RAISE, " + cap + ")", NR_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
                }
            }
        }
    }

    private static long at(long[] a, int i) {
        return i < a.length ? a[i] & 0xffffffffL : 0;
    }
}
