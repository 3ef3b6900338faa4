package org.jcriu.criu.restore;

import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;
import org.jcriu.criu.util.Log;

/**
 * Turns the results of compel's remote syscalls and batches into restore
 * errors: compel hands a failed syscall back as a value (-errno), the restore
 * stops there with one line naming the call and the task. Counts the
 * syscalls run in restored tasks for the restore's statistics.
 */
final class Remote {
    private long syscalls;

    /** Runs the batch; throws naming the first op that failed. */
    void run(SyscallBatch b) throws RestoreException {
        int n = b.size();
        if (n == 0) return;
        syscalls += n;
        failed(b, b.run());
    }

    /** Waits for a batch started with {@link SyscallBatch#start()}; throws naming the op that failed. */
    void finish(SyscallBatch b, int n) throws RestoreException {
        syscalls += n;
        failed(b, b.finish());
    }

    /** One remote syscall in {@code t}; returns its result, throws if it is -errno. */
    long syscall(TraceeThread t, String what, int nr, long... args) throws RestoreException {
        syscalls++;
        return check(t.syscall(nr, args), what);
    }

    long syscalls() {
        return syscalls;
    }

    static long check(long r, String what) throws RestoreException {
        if (r < 0 && r > -4096) throw RestoreException.errno(what, (int) -r);
        return r;
    }

    private static void failed(SyscallBatch b, int idx) throws RestoreException {
        if (idx < 0) return;
        long res = b.result(idx);
        long[] op = b.rawOp(idx);
        Log.debug("failed op " + idx + ": nr " + op[0] + " args " + op[1] + ", " + op[2] + ", " + op[3] + ", " + op[4]
                + " flags 0x" + Long.toHexString(op[7]) + " result " + res);
        String d = b.description(idx) + " in task " + b.thread().tid();
        if (res < 0 && res > -4096) throw RestoreException.errno(d, (int) -res);
        throw new RestoreException(d + " returned " + res);
    }
}
