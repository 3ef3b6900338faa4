package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.Abi.*;
import static org.jcriu.criu.restore.RestorePlan.uint;

import java.util.List;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;
import org.jcriu.images.proto.*;

/**
 * What each task gets once the whole tree and its memory exist: its fds
 * and file locks, the process-wide state (sigactions, rlimits, personality,
 * name, umask, cwd, root), its other threads and their own state. Timers,
 * signals, creds and registers come last ({@link Finisher}).
 */
final class TaskRestorer {
    private final RestoreContext ctx;

    TaskRestorer(RestoreContext ctx) {
        this.ctx = ctx;
    }

    void restore(TaskPlan t) throws RestoreException {
        TraceeThread rt = ctx.leaders.get(t.pid);
        restoreFds(t, rt);
        restoreTaskState(t, rt);
        createThreads(t, rt);
    }

    private void restoreFds(TaskPlan t, TraceeThread rt) throws RestoreException {
        new FdRestorer(ctx.sharedFds, ctx.plan, t, rt, ctx.remote, ctx.opts.networkLock()).restore();
        ctx.roundTrips += 3;
        restoreLocks(t, rt);
    }

    /** File locks the task held (filelocks.img), taken again on its restored fds. */
    private void restoreLocks(TaskPlan t, TraceeThread rt) throws RestoreException {
        SyscallBatch b = new SyscallBatch(rt);
        for (FileLockEntry l : ctx.plan.fileLocks) {
            if (l.getPid() != t.pid) continue;
            long flag = uint(l.getFlag()), type = uint(l.getType()), fd = l.getFd();
            String what = "lock (flag " + flag + ", type " + type + ") on fd " + fd + " of task " + t.pid + " (filelocks.img)";
            if ((flag & 2) != 0) {
                b.op("flock: " + what, 73, fd, type | 4 /* LOCK_NB */);
            } else {
                // struct flock: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid
                long fl = b.longs((type & 0xffff), l.getStart(), l.getLen(), 0);
                boolean ofd = (flag & 1024) != 0;
                b.op("fcntl(" + (ofd ? "F_OFD_SETLK" : "F_SETLK") + "): " + what, NR_fcntl, fd, ofd ? 37 : 6, fl);
            }
        }
        if (b.size() > 0) {
            ctx.remote.run(b);
            ctx.roundTrips++;
        }
    }

    // ---------------------------------------------------------------- task state

    private void restoreTaskState(TaskPlan t, TraceeThread rt) throws RestoreException {
        TaskCoreEntry tc = t.taskCore();
        SyscallBatch b = new SyscallBatch(rt);
        if (tc != null) {
            List<SaEntry> sas = tc.getSigactionsList();
            // one entry per signal from 1 up, SIGKILL and SIGSTOP left out
            int sig = 0;
            for (int i = 0; i < sas.size(); i++) {
                sig++;
                if (sig == 9 || sig == 19) sig++;
                SaEntry sa = sas.get(i);
                if (sa.getSigaction() == 0 && sa.getFlags() == 0) continue;
                long act = b.longs(sa.getSigaction(), sa.getFlags(), sa.getRestorer(), sa.getMask());
                b.op("rt_sigaction(" + sig + ")", NR_rt_sigaction, sig, act, 0, 8);
            }
            if (tc.hasRlimits()) {
                List<RlimitEntry> l = tc.getRlimits().getRlimitsList();
                for (int i = 0; i < l.size(); i++) {
                    long v = b.longs(l.get(i).getCur(), l.get(i).getMax());
                    int op = b.op("prlimit64(" + i + ")", 302, 0, i, v, 0);
                    b.flags(op, SyscallBatch.ANY_RESULT);
                }
            }
            if (tc.getPersonality() != 0) b.op("personality", NR_personality, uint(tc.getPersonality()));
            if (tc.hasComm()) b.op("prctl(PR_SET_NAME)", NR_prctl, PR_SET_NAME, b.str(tc.getComm()), 0, 0, 0);
        }
        b.op("umask", NR_umask, t.umask);
        // paths are as seen from our root: cwd first, then the root (chroot keeps the cwd)
        if (t.cwd != null) b.op("chdir(" + t.cwd + ")", NR_chdir, b.str(t.cwd));
        if (t.root != null && !t.root.equals("/")) b.op("chroot(" + t.root + ")", NR_chroot, b.str(t.root));
        ctx.remote.run(b);
        ctx.roundTrips++;
    }

    private void createThreads(TaskPlan t, TraceeThread main) throws RestoreException {
        for (int i = 1; i < t.threads.length; i++) {
            TraceeThread th = RemoteClone.withTid(ctx, main, t.threads[i], CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
                    | CLONE_SYSVSEM, 0, "thread " + t.threads[i] + " of task " + t.pid);
            ctx.threads.put(th.tid(), th);
        }
        for (int i = 0; i < t.threads.length; i++) threadState(t, ctx.threads.get(t.threads[i]), t.cores.get(i));
    }

    /** Per-thread state, set by the thread itself: clear_tid, robust list, sigaltstack, rseq, name. */
    private void threadState(TaskPlan t, TraceeThread rt, CoreEntry core) throws RestoreException {
        SyscallBatch b = new SyscallBatch(rt);
        ThreadInfoX86 ti = core.getThreadInfo();
        b.op("set_tid_address", NR_set_tid_address, ti.getClearTidAddr());
        ThreadCoreEntry th = core.hasThreadCore() ? core.getThreadCore() : null;
        if (th != null) {
            if (th.getFutexRla() != 0) b.op("set_robust_list", NR_set_robust_list, th.getFutexRla(), uint(th.getFutexRlaLen()));
            ThreadSasEntry sas = th.hasSas() ? th.getSas() : null;
            if (sas != null && (sas.getSsFlags() & 2) == 0 && sas.getSsSp() != 0) {
                long ss = b.longs(sas.getSsSp(), uint(sas.getSsFlags()), sas.getSsSize());
                b.op("sigaltstack", NR_sigaltstack, ss, 0);
            }
            RseqEntry rs = th.hasRseqEntry() ? th.getRseqEntry() : null;
            if (rs != null && rs.getRseqAbiPointer() != 0) {
                b.op("rseq(0x" + Long.toHexString(rs.getRseqAbiPointer()) + ")", NR_rseq, rs.getRseqAbiPointer(), uint(rs.getRseqAbiSize()), 0,
                        uint(rs.getSignature()));
            }
            if (th.hasComm() && rt.tid() != t.pid) b.op("prctl(PR_SET_NAME)", NR_prctl, PR_SET_NAME, b.str(th.getComm()), 0, 0, 0);
        }
        ctx.remote.run(b);
        ctx.roundTrips++;
    }

}
