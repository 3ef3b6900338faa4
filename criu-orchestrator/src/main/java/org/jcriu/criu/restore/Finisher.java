package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.Abi.*;
import static org.jcriu.criu.restore.RestorePlan.uint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.UserRegs;
import org.jcriu.compel.XState;
import org.jcriu.criu.util.Log;
import org.jcriu.images.proto.*;

/**
 * The last stage: zombies set to exit with their code, then for every live
 * task its timers, pending signals, creds and seccomp, compel's ctx.area
 * unmapped, the saved registers, xstate and signal mask loaded; every task
 * detached, children before parents, stopped ones left stopped.
 */
final class Finisher {
    private final RestoreContext ctx;
    private final SeccompRestorer seccomp;

    Finisher(RestoreContext ctx) {
        this.ctx = ctx;
        this.seccomp = new SeccompRestorer(ctx.opts.imagesDir());
    }

    /** Timers last: an itimer must not fire while the task is still being built. */
    private void restoreTimers(TaskPlan t, TraceeThread rt) throws RestoreException {
        TaskCoreEntry tc = t.taskCore();
        if (tc == null || !tc.hasTimers()) return;
        TaskTimersEntry timers = tc.getTimers();
        SyscallBatch b = new SyscallBatch(rt);
        for (int which = 0; which < 3; which++) {
            ItimerEntry it = itimer(timers, which);
            if (it.getVsec() == 0 && it.getVusec() == 0) continue;
            long v = b.longs(it.getIsec(), it.getIusec(), it.getVsec(), it.getVusec());
            b.op("setitimer(" + which + ")", NR_setitimer, which, v, 0);
        }
        TaskState.posixTimers(b, timers.getPosixList(), t.pid);
        ctx.remote.run(b);
        ctx.roundTrips++;
        // CPU-time itimers are rounded up by a tick when set: read back, take the tick off again
        SyscallBatch g = new SyscallBatch(rt);
        long[] got = new long[3];
        for (int which = 1; which < 3; which++) {
            ItimerEntry it = itimer(timers, which);
            if (it.getVsec() == 0 && it.getVusec() == 0) continue;
            got[which] = g.alloc(32);
            g.op("getitimer(" + which + ")", 36, which, got[which]);
        }
        if (g.size() == 0) return;
        ctx.remote.run(g);
        SyscallBatch fix = new SyscallBatch(rt);
        for (int which = 1; which < 3; which++) {
            if (got[which] == 0) continue;
            ItimerEntry it = itimer(timers, which);
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(g.read(got[which], 32)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bb.position(16);
            long want = it.getVsec() * 1_000_000 + it.getVusec();
            long have = bb.getLong() * 1_000_000 + bb.getLong();
            long tick = have - want;
            if (tick <= 0 || tick > 20_000 || want <= tick) continue;
            long v = want - tick;
            long val = fix.longs(it.getIsec(), it.getIusec(), v / 1_000_000, v % 1_000_000);
            fix.op("setitimer(" + which + ")", NR_setitimer, which, val, 0);
        }
        ctx.remote.run(fix);
        ctx.roundTrips += 2;
    }

    // ---------------------------------------------------------------- final

    void finish() throws RestoreException {
        // zombies: exit with their code, become zombies of their parents
        for (TaskPlan t : ctx.plan.tasks) {
            if (!t.zombie()) continue;
            TraceeThread rt = ctx.leaders.get(t.pid);
            TaskCoreEntry tc = t.taskCore();
            if (tc != null && tc.hasComm()) {
                SyscallBatch b = new SyscallBatch(rt);
                b.op("prctl(PR_SET_NAME)", NR_prctl, PR_SET_NAME, b.str(tc.getComm()), 0, 0, 0);
                ctx.remote.run(b);
                ctx.roundTrips++;
            }
            // exit_code is the wait status: exited with (code >> 8), or killed by (code & 0x7f);
            // the syscall runs from the ctx.area's syscall instruction once the task is let go
            UserRegs r = rt.getRegs().copy().rip(ctx.area).origRax(-1);
            if ((t.exitCode & 0x7f) == 0) {
                r.rax(NR_exit_group).rdi((t.exitCode >> 8) & 0xff);
            } else {
                // kill(pid, sig): dies of it once detached, signals unblocked
                r.rax(62).rdi(t.pid).rsi(t.exitCode & 0x7f);
                rt.setSigmask(0);
            }
            rt.setRegs(r);
        }
        for (TaskPlan t : ctx.plan.tasks) {
            if (t.zombie()) continue;
            TraceeThread main = ctx.leaders.get(t.pid);
            restoreTimers(t, main);
            // pending signals and creds, by each thread itself, last before its registers
            for (int i = 0; i < t.threads.length; i++) {
                TraceeThread th = ctx.threads.get(t.threads[i]);
                SyscallBatch b = new SyscallBatch(th);
                TaskCoreEntry tc = t.taskCore();
                if (i == 0 && tc != null && tc.hasSignalsS()) {
                    TaskState.pendingSignals(b, tc.getSignalsS(), t.pid, th.tid(), true);
                }
                ThreadCoreEntry tcore = t.cores.get(i).hasThreadCore() ? t.cores.get(i).getThreadCore() : null;
                if (i == 0) TaskState.processMisc(b, tc, t);
                TaskState.threadMisc(b, tcore, th.tid());
                if (tcore != null) {
                    if (tcore.hasSignalsP()) TaskState.pendingSignals(b, tcore.getSignalsP(), t.pid, th.tid(), false);
                    if (tcore.hasCreds()) TaskState.creds(b, tcore.getCreds());
                    seccomp.apply(b, th, tcore, t.pid); // the last: no_new_privs, then the filters
                }
                ctx.remote.run(b);
                ctx.roundTrips++;
            }
            for (int i = 1; i < t.threads.length; i++) loadFinal(ctx.threads.get(t.threads[i]), t.cores.get(i), t.cores.get(0));
            // the ctx.area goes at the exit of its own munmap: nothing runs from it after
            main.setRegs(main.getRegs().copy().rip(ctx.area).rax(NR_munmap).rdi(ctx.area).rsi(Restorer.AREA_SIZE).origRax(-1));
            long res = main.runToSyscallExit().rax();
            main.tracee().forgetArea();
            if (res != 0) throw RestoreException.errno("munmap(remote code ctx.area) in task " + t.pid, (int) -res);
            ctx.roundTrips += 2;
            loadFinal(main, t.cores.get(0), t.cores.get(0));
        }
        // detach children before parents, threads before their leader; stopped tasks stay stopped
        java.util.Set<Integer> stopped = new java.util.HashSet<>();
        for (TaskPlan t : ctx.plan.tasks) {
            if (t.state == TaskPlan.TASK_STOPPED) for (int tid : t.threads) stopped.add(tid);
        }
        List<TraceeThread> all = new ArrayList<>(ctx.leaders.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            TraceeThread rt = all.get(i);
            rt.tracee().detach(stopped.contains(rt.tid()) ? Tracee.AfterDetach.STOPPED : Tracee.AfterDetach.AS_FOUND);
        }
        awaitZombies();
    }

    /**
     * A zombie runs its exit_group only once detached: wait (up to 2 s) until each shows Z, so
     * that whoever looks right after the restore returns sees the tree as it was saved.
     */
    private void awaitZombies() {
        long end = System.nanoTime() + 2_000_000_000L;
        for (TaskPlan t : ctx.plan.tasks) {
            if (!t.zombie()) continue;
            Path stat = Path.of("/proc/" + t.pid + "/stat");
            while (System.nanoTime() < end) {
                try {
                    String st = Files.readString(stat);
                    char c = st.charAt(st.lastIndexOf(')') + 2);
                    if (c == 'Z' || c == 'X') break;
                } catch (IOException | RuntimeException gone) {
                    break; // reaped already
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }
    }

    /** Saved registers (restartable syscalls handled), xstate and signal mask into a stopped thread. */
    private void loadFinal(TraceeThread rt, CoreEntry core, CoreEntry leaderCore) throws RestoreException {
        ThreadInfoX86 ti = core.getThreadInfo();
        UserRegs r = gpregs(ti.getGpregs());
        long ax = r.rax(), orig = r.origRax();
        if (orig >= 0) {
            if (ax == -512 || ax == -513 || ax == -514) { // ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND
                r.rax(orig).rip(r.rip() - 2);
            } else if (ax == -516) { // ERESTART_RESTARTBLOCK
                r.rax(-Errnos.EINTR);
            }
        }
        r.origRax(-1);
        rt.setRegs(r);
        UserX86FpregsEntry fp = ti.hasFpregs() ? ti.getFpregs() : null;
        if (fp != null) {
            byte[] xs = rt.getXState().bytes();
            Xsave.fill(java.nio.ByteBuffer.wrap(xs).order(java.nio.ByteOrder.LITTLE_ENDIAN), fp);
            rt.setXState(new XState(xs));
            if (ctx.log.enabled(Log.DEBUG)) {
                byte[] back = rt.getXState().bytes();
                int diff = 0, first = -1;
                for (int o = 0; o < Math.min(back.length, xs.length); o++) {
                    if (back[o] != xs[o] && (o < 464 || o >= 512)) {
                        diff++;
                        if (first < 0) first = o;
                    }
                }
                if (diff > 0) ctx.log.log(Log.DEBUG, "thread " + rt.tid() + ": xstate read back differs in " + diff + " bytes from offset " + first
                        + " (size " + xs.length + ")");
            }
        }
        ThreadCoreEntry th = core.hasThreadCore() ? core.getThreadCore() : null;
        TaskCoreEntry tc = taskCore(leaderCore);
        long mask = th != null && th.hasBlkSigset() ? th.getBlkSigset() : (tc != null ? tc.getBlkSigset() : 0);
        rt.setSigmask(mask);
        ctx.roundTrips++;
    }

    /** user_regs_struct from the image's x86 registers (the same order as the kernel's). */
    private static UserRegs gpregs(UserX86RegsEntry g) {
        return new UserRegs().r15(g.getR15()).r14(g.getR14()).r13(g.getR13()).r12(g.getR12()).rbp(g.getBp()).rbx(g.getBx())
                .r11(g.getR11()).r10(g.getR10()).r9(g.getR9()).r8(g.getR8()).rax(g.getAx()).rcx(g.getCx()).rdx(g.getDx())
                .rsi(g.getSi()).rdi(g.getDi()).origRax(g.getOrigAx()).rip(g.getIp()).cs(g.getCs()).eflags(g.getFlags())
                .rsp(g.getSp()).ss(g.getSs()).fsBase(g.getFsBase()).gsBase(g.getGsBase()).ds(g.getDs()).es(g.getEs())
                .fs(g.getFs()).gs(g.getGs());
    }

    private static TaskCoreEntry taskCore(CoreEntry c) {
        return c.hasTc() ? c.getTc() : null;
    }

    /** ITIMER_REAL, _VIRTUAL, _PROF: task_timers_entry fields real, virt, prof. */
    private static ItimerEntry itimer(TaskTimersEntry t, int which) {
        return which == 0 ? t.getReal() : which == 1 ? t.getVirt() : t.getProf();
    }

}
