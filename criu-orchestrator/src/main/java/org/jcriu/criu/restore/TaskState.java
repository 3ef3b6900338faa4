package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.RestorePlan.uint;

import com.google.protobuf.ByteString;
import java.util.List;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.images.proto.CredsEntry;
import org.jcriu.images.proto.PosixTimerEntry;
import org.jcriu.images.proto.SignalQueueEntry;
import org.jcriu.images.proto.SiginfoEntry;
import org.jcriu.images.proto.TaskCoreEntry;
import org.jcriu.images.proto.ThreadCoreEntry;

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
    static void posixTimers(SyscallBatch b, List<PosixTimerEntry> timers, int pid) {
        if (timers.isEmpty()) return;
        // ask the kernel to create the ids we give it (Linux 6.17+); without it ids are
        // handed out from 0 up, so timers are created in id order with fillers
        int restoreIds = b.op("prctl(PR_TIMER_CREATE_RESTORE_IDS)", NR_prctl, PR_TIMER_CREATE_RESTORE_IDS, 1, 0, 0, 0);
        b.flags(restoreIds, SyscallBatch.ANY_RESULT);
        // in id order, as the task made them: /proc/PID/timers lists them newest first
        List<PosixTimerEntry> sorted = new java.util.ArrayList<>(timers);
        sorted.sort(java.util.Comparator.comparingLong(t -> uint(t.getItId())));
        for (PosixTimerEntry t : sorted) {
            long id = uint(t.getItId());
            long idp = b.longs(id);
            // struct sigevent (64 bytes): sigev_value, sigev_signo, sigev_notify, then the thread id for SIGEV_THREAD_ID
            long sev = b.longs(t.getSivalPtr(), uint(t.getSiSigno()) | (uint(t.getItSigevNotify()) << 32), t.hasNotifyThreadId() ? uint(t.getNotifyThreadId()) : pid,
                    0, 0, 0, 0, 0);
            b.op("timer_create(id " + id + ") (core-" + pid + ".img)", NR_timer_create, uint(t.getClockId()), sev, idp);
            long its = b.longs(t.getIsec(), t.getInsec(), t.getVsec(), t.getVnsec());
            if (t.getVsec() != 0 || t.getVnsec() != 0) {
                b.op("timer_settime(" + id + ")", NR_timer_settime, id, 0, its, 0);
            }
        }
        b.flags(b.op("prctl(PR_TIMER_CREATE_RESTORE_IDS, off)", NR_prctl, PR_TIMER_CREATE_RESTORE_IDS, 0, 0, 0, 0), SyscallBatch.ANY_RESULT);
    }

    /** Pending signals: the process's shared queue (leader only) and this thread's own. */
    static void pendingSignals(SyscallBatch b, SignalQueueEntry queue, int tgid, int tid, boolean shared) {
        if (queue == null) return;
        for (SiginfoEntry s : queue.getSignalsList()) {
            ByteString si = s.getSiginfo();
            if (si.size() < 12) continue;
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
    static void threadMisc(SyscallBatch b, ThreadCoreEntry th, int tid) {
        if (th == null) return;
        if (th.getPdeathSig() != 0) b.op("prctl(PR_SET_PDEATHSIG)", NR_prctl, PR_SET_PDEATHSIG, uint(th.getPdeathSig()), 0, 0, 0);
        if (th.getTimerslackNs() != 0) {
            b.op("prctl(PR_SET_TIMERSLACK, " + th.getTimerslackNs() + ")", NR_prctl, PR_SET_TIMERSLACK, th.getTimerslackNs(), 0, 0, 0);
        }
        long nice = th.getSchedNice();
        if (nice != 0) b.op("setpriority(" + tid + ", " + nice + ")", NR_setpriority, 0, tid, nice);
        long policy = uint(th.getSchedPolicy());
        if (policy != 0) {
            long param = b.longs(uint(th.getSchedPrio()));
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
    static void processMisc(SyscallBatch b, TaskCoreEntry tc, TaskPlan t) {
        if (tc != null && tc.getChildSubreaper()) b.op("prctl(PR_SET_CHILD_SUBREAPER)", NR_prctl, PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        if (t.thpDisabled) b.op("prctl(PR_SET_THP_DISABLE)", NR_prctl, PR_SET_THP_DISABLE, 1, 0, 0, 0);
        if (t.dumpable >= 0 && t.dumpable != 1) b.op("prctl(PR_SET_DUMPABLE)", NR_prctl, PR_SET_DUMPABLE, t.dumpable, 0, 0, 0);
        long membarrier = tc == null ? 0 : uint(tc.getMembarrierRegistrationMask());
        for (int cmd : MEMBARRIER_REGISTER_CMDS) {
            if ((membarrier & cmd) != 0) b.op("membarrier(register 0x" + Integer.toHexString(cmd) + ")", NR_membarrier, cmd, 0, 0);
        }
    }

    /** Credentials of one thread, from thread_core.creds. */
    static void creds(SyscallBatch b, CredsEntry c) {
        if (c == null) return;
        long[] groups = longs(c.getGroupsList());
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
        long[] bnd = longs(c.getCapBndList());
        if (bnd.length >= 2) {
            long bset = (bnd[0] & 0xffffffffL) | (bnd[1] << 32);
            for (int cap = 0; cap <= 63; cap++) {
                if ((bset & (1L << cap)) == 0) {
                    int op = b.op("prctl(PR_CAPBSET_DROP, " + cap + ")", NR_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0);
                    b.flags(op, SyscallBatch.ANY_RESULT); // caps this kernel does not know
                }
            }
        }
        long secbits = uint(c.getSecbits());
        b.op("prctl(PR_SET_SECUREBITS, keep caps)", NR_prctl, PR_SET_SECUREBITS, secbits | SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP, 0, 0, 0);
        b.op("setresgid", NR_setresgid, uint(c.getGid()), uint(c.getEgid()), uint(c.getSgid()));
        b.flags(b.op("setfsgid", NR_setfsgid, uint(c.getFsgid())), SyscallBatch.ANY_RESULT);
        b.op("setresuid", NR_setresuid, uint(c.getUid()), uint(c.getEuid()), uint(c.getSuid()));
        b.flags(b.op("setfsuid", NR_setfsuid, uint(c.getFsuid())), SyscallBatch.ANY_RESULT);
        // the saved bits while CAP_SETPCAP is still effective (no uid change follows)
        b.op("prctl(PR_SET_SECUREBITS)", NR_prctl, PR_SET_SECUREBITS, secbits, 0, 0, 0);
        long[] inh = longs(c.getCapInhList()), prm = longs(c.getCapPrmList()), eff = longs(c.getCapEffList());
        // _LINUX_CAPABILITY_VERSION_3, pid 0; two data structs {effective, permitted, inheritable}
        long hdr = b.longs(0x20080522L);
        long data = b.longs((at(eff, 0)) | (at(prm, 0) << 32), at(inh, 0) | (at(eff, 1) << 32), at(prm, 1) | (at(inh, 1) << 32));
        b.op("capset", NR_capset, hdr, data);
        long[] amb = longs(c.getCapAmbList());
        if (amb.length >= 2) {
            long aset = (amb[0] & 0xffffffffL) | (amb[1] << 32);
            for (int cap = 0; cap <= 63; cap++) {
                if ((aset & (1L << cap)) != 0) {
                    b.op("prctl(PR_CAP_AMBIENT_RAISE, " + cap + ")", NR_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
                }
            }
        }
    }

    /** A repeated uint32 field as unsigned longs. */
    private static long[] longs(List<Integer> l) {
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = uint(l.get(i));
        return a;
    }

    private static long at(long[] a, int i) {
        return i < a.length ? a[i] & 0xffffffffL : 0;
    }
}
