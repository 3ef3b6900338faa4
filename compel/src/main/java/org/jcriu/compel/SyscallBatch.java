package org.jcriu.compel;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of syscalls that one thread of a tracee runs in one stop: compel's batch interpreter
 * (in the task's code area, see {@link Tracee}) runs them in order and stops at the first that
 * fails. Arguments that are pointers point into the batch's share of the area's scratch data
 * ({@link #bytes}, {@link #str}, {@link #longs}, {@link #alloc}); an argument can also be the
 * result of an earlier op of the same batch ({@link #useResult}), e.g. an fd just opened.
 *
 * <p>The ops and their data are built in native memory of this process, copied into the task
 * with one process_vm_writev each, run with one ptrace round trip, and the results read back:
 * thousands of syscalls cost about what one remote syscall costs.
 *
 * <p>Results come back as values, like {@link TraceeThread#syscall}: {@link #run()} returns the
 * index of the failed op (its {@link #result} is -errno); failures of ptrace or of the task throw
 * {@link CompelException}. Threads of one task can run batches at the same time, each in its own
 * part of the area ({@link #SyscallBatch(TraceeThread, int, int)}): {@link #start()} each, then
 * {@link #finish()} each, in any order (a stop or exit that the wait for one thread comes across
 * is kept for the other thread's own finish, see {@link TraceeThread}). Tracer thread only (the
 * thread of a {@link Tracer} bound with {@link Compel#tracerOnThisThread}, or work submitted to
 * the tracer).
 *
 * <p>Op layout (native-asm/parasite/remote-code.S): nine u64, nr, six args, flags, result.
 */
public final class SyscallBatch {
    /** Any result is fine: never stops the batch (e.g. a prctl the kernel may not know) */
    public static final long ANY_RESULT = 0x100;
    /** The result must equal args[2]: a read or write that must move the whole length */
    public static final long FULL_LENGTH = 0x200;
    /** Bytes of one op */
    public static final int OP_SIZE = 72;

    private final TraceeThread thread;
    private final Memory ops;
    private final Memory data;
    private final ByteBuffer opsView;
    private final ByteBuffer dataView;
    private final int cap;
    private final long remoteOps;
    private final long remoteData;
    private final List<String> what = new ArrayList<>();
    private int n;
    private int ran;
    private long dataUsed;

    /** A batch using the whole scratch data of the thread's task (mapping the area if needed). */
    public SyscallBatch(TraceeThread thread) {
        this(thread, 0, 1);
    }

    /**
     * A batch using part {@code part} of {@code parts} equal parts of the scratch data, so that
     * threads of one task can run batches at once. A quarter of a part holds ops, the rest data.
     */
    public SyscallBatch(TraceeThread thread, int part, int parts) {
        if (parts < 1 || part < 0 || part >= parts) {
            throw new IllegalArgumentException("part " + part + " of " + parts);
        }
        this.thread = thread;
        Tracee t = thread.tracee();
        long base = t.scratch(); // maps compel's own area if the caller gave none
        long share = ((long) t.scratchSize() / parts) & ~7L;
        this.cap = (int) Math.min(Integer.MAX_VALUE, share / 4 / OP_SIZE);
        if (cap < 1) {
            throw new IllegalArgumentException("area too small for " + parts + " batches");
        }
        this.remoteOps = base + part * share;
        this.remoteData = remoteOps + (long) cap * OP_SIZE;
        long dataLen = share - (long) cap * OP_SIZE;
        this.ops = new Memory((long) cap * OP_SIZE);
        this.data = new Memory(dataLen);
        this.opsView = ops.getByteBuffer(0, ops.size());
        this.dataView = data.getByteBuffer(0, data.size());
    }

    /** @return the thread that runs this batch */
    public TraceeThread thread() {
        return thread;
    }

    /** @return how many ops fit */
    public int capacity() {
        return cap;
    }

    /** @return how many ops were added since the last run */
    public int size() {
        return n;
    }

    /**
     * Adds one syscall.
     *
     * @param description what it does, for error messages ({@link #description})
     * @param nr the syscall number
     * @param args up to six arguments
     * @return its index, for {@link #result} and {@link #useResult}
     */
    public int op(String description, long nr, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("a syscall takes at most 6 arguments");
        }
        if (n == cap) {
            throw new IllegalStateException("batch full (" + cap + " ops)");
        }
        if (n == 0) {
            what.clear();
        }
        long o = (long) n * OP_SIZE;
        ops.setLong(o, nr);
        for (int i = 0; i < 6; i++) {
            ops.setLong(o + 8 + 8L * i, i < args.length ? args[i] : 0);
        }
        ops.setLong(o + 56, 0);
        ops.setLong(o + 64, 0);
        what.add(description);
        return n++;
    }

    /**
     * Op {@code idx} takes the arguments in {@code argMask} (bit i: argument i) from the result of
     * the earlier op {@code ref}.
     */
    public SyscallBatch useResult(int idx, int argMask, int ref) {
        if (ref >= idx || (argMask & ~0x3f) != 0) {
            throw new IllegalArgumentException("op " + idx + " cannot use op " + ref + " (mask " + argMask + ")");
        }
        long o = (long) idx * OP_SIZE + 56;
        ops.setLong(o, (ops.getLong(o) & 0xffffffffL & ~0x3fL) | argMask | ((long) ref << 32));
        return this;
    }

    /** Sets {@link #ANY_RESULT} or {@link #FULL_LENGTH} on op {@code idx}. */
    public SyscallBatch flags(int idx, long flags) {
        long o = (long) idx * OP_SIZE + 56;
        ops.setLong(o, ops.getLong(o) | (flags & (ANY_RESULT | FULL_LENGTH)));
        return this;
    }

    /** Copies bytes into the scratch data. @return their address in the task */
    public long bytes(byte[] b) {
        long a = alloc(b.length);
        data.write(a - remoteData, b, 0, b.length);
        return a;
    }

    /** A NUL-terminated UTF-8 string in the scratch data. @return its address in the task */
    public long str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long a = alloc(b.length + 1L);
        data.write(a - remoteData, b, 0, b.length);
        data.setByte(a - remoteData + b.length, (byte) 0);
        return a;
    }

    /** Native-endian u64s in the scratch data (a struct of longs). @return their address in the task */
    public long longs(long... v) {
        long a = alloc(8L * v.length);
        data.write(a - remoteData, v, 0, v.length);
        return a;
    }

    /** Reserves {@code len} bytes (8-aligned) of scratch data. @return their address in the task */
    public long alloc(long len) {
        long off = (dataUsed + 7) & ~7L;
        if (off + len > data.size()) {
            throw new IllegalStateException("batch data full (" + data.size() + " bytes)");
        }
        dataUsed = off + len;
        return remoteData + off;
    }

    /** @return the result of op {@code idx} of the last run (-errno on failure), until the next op is added */
    public long result(int idx) {
        return ops.getLong((long) idx * OP_SIZE + 64);
    }

    /** @return the description op {@code idx} was added with, until the next op is added after a run */
    public String description(int idx) {
        return what.get(idx);
    }

    /** @return the raw op {@code idx} (nr, args, flags, result) for diagnostics */
    public long[] rawOp(int idx) {
        long[] v = new long[9];
        ops.read((long) idx * OP_SIZE, v, 0, 9);
        return v;
    }

    /** Reads back {@code len} bytes the task left at address {@code a} of the scratch data (after a run). */
    public byte[] read(long a, int len) {
        if (a < remoteData || a + len > remoteData + data.size()) {
            throw new IllegalArgumentException(String.format("%#x is not in the batch's data", a));
        }
        ByteBuffer b = ByteBuffer.allocateDirect(len);
        thread.tracee().readMemory(a, b);
        byte[] out = new byte[len];
        b.flip().get(out);
        return out;
    }

    /** Copies the scratch data into the task without running anything (arguments for a single syscall). */
    public void writeData() {
        copyIn(remoteData, dataView, dataUsed);
    }

    /**
     * Runs the ops in the task and empties the batch (results stay readable).
     *
     * @return -1 when every op ran, else the index of the op that failed (see {@link #result})
     */
    public int run() {
        if (n == 0) {
            return -1;
        }
        return thread.tracee().tracer().call(() -> {
            start();
            return finish();
        });
    }

    /** Copies the ops into the task and lets it run them; {@link #finish()} waits. */
    public void start() {
        copyIn(remoteData, dataView, dataUsed);
        copyIn(remoteOps, opsView, (long) n * OP_SIZE);
        UserRegs from = thread.savedOrCurrentRegs().copy()
                .rip(thread.tracee().areaAddress() + RemoteCode.BATCH).rdi(remoteOps).rsi(n).origRax(-1);
        thread.startCode(from);
        ran = n;
    }

    /**
     * Waits for the batch {@link #start() started}, reads the results back and empties the batch.
     *
     * @return -1 when every op ran, else the index of the op that failed
     */
    public int finish() {
        long done = thread.finishCode();
        ByteBuffer v = opsView.duplicate();
        v.limit(ran * OP_SIZE);
        thread.tracee().readMemory(remoteOps, v);
        int count = ran;
        n = 0;
        ran = 0;
        dataUsed = 0;
        return done < count ? (int) done : -1;
    }

    private void copyIn(long remote, ByteBuffer local, long len) {
        if (len == 0) {
            return;
        }
        ByteBuffer v = local.duplicate();
        v.position(0).limit((int) len);
        if (thread.tracee().writeMemory(remote, v) != len) {
            throw new CompelException(String.format("short write of %d bytes at %#x in %s", len, remote, thread));
        }
    }
}
