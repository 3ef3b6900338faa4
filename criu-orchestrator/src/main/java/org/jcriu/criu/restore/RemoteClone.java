package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.Abi.*;

import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.sys.NoSuchProcessException;

/**
 * New tasks and threads made by a restored task itself: remote clone3, with
 * set_tid for the saved ids, and without it for the restore's own helper
 * threads (which must not take an id the tree still needs).
 */
final class RemoteClone {
    private RemoteClone() {}

    /** Remote clone3 with set_tid = tid from task rt; returns the new thread, stopped and traced. */
    static TraceeThread withTid(RestoreContext ctx, TraceeThread rt, int tid, long flags, int exitSignal, String what)
            throws RestoreException {
        SyscallBatch b = new SyscallBatch(rt);
        long setTid = b.longs(tid);
        long args = b.longs(flags, 0, 0, 0, exitSignal, 0, 0, 0, setTid, 1, 0);
        b.writeData();
        ctx.roundTrips++;
        TraceeThread.CloneResult c = rt.syscallClone(NR_clone3, args, 88);
        long r = c.result();
        if (r == -Errnos.EEXIST) throw new RestoreException("pid " + tid + " of " + what + " is already taken (clone3 set_tid: EEXIST)");
        if (r < 0) throw RestoreException.errno("clone3(set_tid=" + tid + ") for " + what, (int) -r);
        if (r != tid) throw new RestoreException("clone3(set_tid=" + tid + ") for " + what + " gave pid " + r);
        return c.child();
    }

    /**
     * A helper thread of task rt (the parallel page fill), any tid but the
     * tree's own: tasks are still being made while a parent's pages are
     * filled, so a helper that drew a saved id gives it back and another is made.
     */
    static TraceeThread helperThread(RestoreContext ctx, TraceeThread rt) throws RestoreException {
        for (int attempt = 0; attempt < 8; attempt++) {
            SyscallBatch b = new SyscallBatch(rt);
            long args = b.longs(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            b.writeData();
            TraceeThread.CloneResult c = rt.syscallClone(NR_clone3, args, 88);
            if (c.result() < 0) throw RestoreException.errno("clone3(helper thread) in task " + rt.tid(), (int) -c.result());
            ctx.roundTrips++;
            if (!ctx.idInTree(c.child().tid())) return c.child();
            ctx.log.log(org.jcriu.criu.util.Log.DEBUG, "helper thread drew tid " + c.child().tid() + ", an id of the tree: another one");
            end(c.child());
        }
        throw new RestoreException("task " + rt.tid() + ": every helper thread made drew an id of the saved tree");
    }

    /** Ends a helper thread (its exit is collected by compel). */
    static void end(TraceeThread helper) {
        try {
            helper.syscall(NR_exit, 0);
        } catch (NoSuchProcessException gone) {
            // its exit, collected: what we wanted
        }
    }
}
