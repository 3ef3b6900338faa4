package org.jcriu.criu.dump;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Fd;
import org.jcriu.criu.sys.Pipes;
import org.jcriu.criu.util.Log;

/**
 * Pipes of ours for pinned pages, made where they cost least. Inside the frozen window a pipe
 * costs pipe2 and F_SETPIPE_SZ, and every few hundred pipes our fd table grows, which a
 * multi-threaded process pays with an RCU grace period (5 to 15 ms each here, three or four
 * times for 1 GiB). A dump that expects a large tree {@link #fill}s the pool beside the freeze;
 * {@link #take} hands the pipes out and makes more only when the pool runs dry.
 *
 * <p>Sizes: as large as the kernel grants, up to 256 MiB (with CAP_SYS_RESOURCE); without it
 * pipe-max-size, 1 MiB by default, which is then what the pool holds. Thread safe: one thread
 * fills, another takes.
 */
final class PipePool {
    /** A pipe of ours: both ends and its size in bytes. */
    record Pipe(Fd read, Fd write, int size) {}

    /**
     * Largest pipe asked for: 64 Ki slots of one page each. The kernel allocates the slot
     * array with kmalloc, whose 4 MiB limit (40-byte slots) refuses 128 Ki slots.
     */
    static final int MAX_PIPE = 256 << 20, MIN_PIPE = 1 << 20;
    /** at most this many pipes made ahead (16 GiB of 1 MiB pipes) */
    private static final int MAX_SPARE = 16384;

    private final ConcurrentLinkedQueue<Pipe> spare = new ConcurrentLinkedQueue<>();
    /** the largest pipe size the kernel still may grant */
    private volatile int maxPipe = MAX_PIPE;
    /** no more pipes are taken: what the filler still makes is closed at once (guarded by this) */
    private boolean closed;

    /**
     * Makes ready what pinning about {@code bytes} of pages needs: our fd table grown to hold
     * one fd per pipe, and the pipes themselves. Meant for a thread of its own started before
     * the freeze; stops early once {@link #close}d.
     */
    void fill(long bytes) throws Errno {
        int n = (int) Math.min(MAX_SPARE, (bytes + MIN_PIPE - 1) / MIN_PIPE);
        for (int fds = n + 512; fds >= 64 && !Pipes.growFdTable(fds); fds >>= 1) {
            // over RLIMIT_NOFILE: as much as it allows
        }
        Pipe first = make(bytes);
        if (!offer(first) || first.size() > MIN_PIPE) return; // large pipes: a few, made when needed
        for (int i = 1; i < n; i++) {
            if (!offer(make(MIN_PIPE))) return;
        }
    }

    private synchronized boolean offer(Pipe p) {
        if (closed) {
            p.read().close();
            p.write().close();
            return false;
        }
        spare.add(p);
        return true;
    }

    /** A pipe for about {@code want} bytes: one made ahead, or a new one. */
    Pipe take(long want) throws Errno {
        Pipe p = spare.poll();
        return p != null ? p : make(want);
    }

    private Pipe make(long want) throws Errno {
        Fd[] p = Pipes.pipe(Pipes.O_CLOEXEC);
        try {
            return new Pipe(p[0], p[1], size(p[1], want));
        } catch (Errno | RuntimeException e) {
            p[0].close();
            p[1].close();
            throw e;
        }
    }

    /**
     * Makes pipe p as big as the kernel grants, up to the power of two that holds {@code want}
     * (never below 1 MiB, the default pipe-max-size); the largest size refused is not asked
     * for again. Returns the size.
     */
    int size(Fd p, long want) throws Errno {
        int size = 0;
        int max = maxPipe;
        long target = Long.highestOneBit(Math.max(MIN_PIPE, Math.min(max, want)) * 2 - 1);
        for (long s = Math.min(target, max); s >= MIN_PIPE && size == 0; s >>= 1) {
            try {
                size = Pipes.setSize(p, (int) s);
            } catch (Errno e) {
                maxPipe = (int) (s >> 1); // not asked again for this dump
                Log.debug("F_SETPIPE_SZ " + s + ": " + e.getMessage());
            }
        }
        return size != 0 ? size : Pipes.size(p);
    }

    /** The largest pipe size the kernel may still grant. */
    int maxPipe() {
        return maxPipe;
    }

    /** Closes the pipes not taken; later {@link #fill} work is closed as it is made. Safe twice. */
    synchronized void close() {
        closed = true;
        for (Pipe p; (p = spare.poll()) != null; ) {
            p.read().close();
            p.write().close();
        }
    }
}
