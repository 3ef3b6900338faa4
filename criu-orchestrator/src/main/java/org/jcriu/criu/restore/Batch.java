package org.jcriu.criu.restore;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of system calls for the in-target batch interpreter, with a scratch
 * area for their arguments (paths, structs, iovecs). Built in a local mirror
 * of the trampoline's data pages, copied into the task with one
 * process_vm_writev, run with one ptrace round trip.
 *
 * <p>Layout of the trampoline mapping: page 0 code, then {@link #OPS_CAP}
 * ops of 72 bytes, then scratch up to the end of the mapping.
 */
final class Batch {
    static final long TRAMP_SIZE = 8L << 20;
    static final int OP_SIZE = 72;
    static final int OPS_CAP = 40_000;
    static final long OPS_OFF = 4096;
    static final long SCRATCH_OFF = OPS_OFF + (long) OPS_CAP * OP_SIZE;
    static final long F_ANY = 0x100, F_EQ_A2 = 0x200;

    private final RemoteTask task;
    private final Memory ops;
    private final Memory scratch;
    private final int cap;
    private final long opsOff, scratchOff;
    private final List<String> what = new ArrayList<>();
    private int n;
    private long scratchUsed;

    Batch(RemoteTask task) {
        this(task, 0, 1);
    }

    /**
     * A batch using part {@code slot} of {@code slots} equal parts of the ops
     * and scratch areas, so that threads of one task can run batches at once.
     */
    Batch(RemoteTask task, int slot, int slots) {
        this.task = task;
        this.cap = OPS_CAP / slots;
        long scratchLen = (TRAMP_SIZE - SCRATCH_OFF) / slots & ~4095L;
        this.opsOff = OPS_OFF + (long) slot * cap * OP_SIZE;
        this.scratchOff = SCRATCH_OFF + slot * scratchLen;
        this.ops = new Memory((long) cap * OP_SIZE);
        this.scratch = new Memory(scratchLen);
    }

    int capacity() {
        return cap;
    }

    int size() {
        return n;
    }

    /** Adds one syscall; returns its index (for {@link #useResult}). */
    int op(String description, long nr, long... args) {
        if (n == cap) throw new IllegalStateException("batch full");
        long o = (long) n * OP_SIZE;
        ops.setLong(o, nr);
        for (int i = 0; i < 6; i++) ops.setLong(o + 8 + 8L * i, i < args.length ? args[i] : 0);
        ops.setLong(o + 56, 0);
        ops.setLong(o + 64, 0);
        what.add(description);
        return n++;
    }

    /** Marks op {@code idx} to take argument(s) {@code argMask} from the result of op {@code ref}. */
    Batch useResult(int idx, int argMask, int ref) {
        long o = (long) idx * OP_SIZE + 56;
        ops.setLong(o, (ops.getLong(o) & 0xffffffffL & ~0x3fL) | argMask | ((long) ref << 32));
        return this;
    }

    Batch flags(int idx, long f) {
        long o = (long) idx * OP_SIZE + 56;
        ops.setLong(o, ops.getLong(o) | f);
        return this;
    }

    /** Copies bytes into scratch; returns their address in the task. */
    long bytes(byte[] b) {
        long a = alloc(b.length);
        scratch.write(a - remoteScratch(), b, 0, b.length);
        return a;
    }

    long str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return bytes(z);
    }

    long longs(long... v) {
        long a = alloc(8L * v.length);
        scratch.write(a - remoteScratch(), v, 0, v.length);
        return a;
    }

    /** Reserves n bytes (8-aligned) of scratch; returns the remote address. */
    long alloc(long len) {
        long off = (scratchUsed + 7) & ~7L;
        if (off + len > scratch.size()) throw new IllegalStateException("batch scratch full");
        scratchUsed = off + len;
        return remoteScratch() + off;
    }

    long remoteScratch() {
        return task.tramp + scratchOff;
    }

    /** The result of op idx after {@link #run}, readable until the next {@link #op}. */
    long result(int idx) {
        return ops.getLong((long) idx * OP_SIZE + 64);
    }

    /** Reads back len bytes of scratch at remote address a (after run). */
    byte[] readScratch(long a, int len) throws RestoreException {
        Memory m = new Memory(len);
        task.read(a, m, len);
        return m.getByteArray(0, len);
    }

    /** Copies the scratch area into the task without running anything (for a single remote call). */
    void writeScratch() throws RestoreException {
        task.write(task.tramp + scratchOff, scratch, scratchUsed);
    }

    /** Runs the ops in the task; throws naming the first failed op. Empties the batch. */
    void run() throws RestoreException {
        if (n == 0) return;
        start();
        finish();
    }

    /** Copies the ops into the task and lets it run them; {@link #finish} waits. */
    void start() throws RestoreException {
        task.write(task.tramp + scratchOff, scratch, scratchUsed);
        task.write(task.tramp + opsOff, ops, (long) n * OP_SIZE);
        task.startBatch(task.tramp + opsOff, n);
    }

    /** Waits for the batch started by {@link #start}; throws naming the first failed op. Empties the batch. */
    void finish() throws RestoreException {
        long done = task.finishBatch();
        task.read(task.tramp + opsOff, ops, (long) n * OP_SIZE);
        if (done < n) {
            long res = result((int) done);
            String d = what.get((int) done);
            long o = done * OP_SIZE;
            org.jcriu.criu.util.Log.debug("failed op " + done + ": nr " + ops.getLong(o) + " args " + ops.getLong(o + 8) + ", "
                    + ops.getLong(o + 16) + ", " + ops.getLong(o + 24) + ", " + ops.getLong(o + 32) + " flags 0x"
                    + Long.toHexString(ops.getLong(o + 56)) + " result " + res);
            if (res < 0 && res > -4096) throw RestoreException.errno(d + " in task " + task.tid, (int) -res);
            throw new RestoreException(d + " in task " + task.tid + " returned " + res);
        }
        reset();
    }

    void reset() {
        n = 0;
        scratchUsed = 0;
        what.clear();
    }
}
