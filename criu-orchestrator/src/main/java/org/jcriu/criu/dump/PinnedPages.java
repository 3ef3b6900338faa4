package org.jcriu.criu.dump;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jcriu.compel.CompelException;
import org.jcriu.compel.Parasite;
import org.jcriu.compel.PipeFill;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.TraceeThread;
import org.jcriu.criu.proc.ProcFs;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Fd;
import org.jcriu.criu.sys.ImageFile;
import org.jcriu.criu.sys.Pidfd;
import org.jcriu.criu.sys.Pipes;
import org.jcriu.criu.util.Log;

/**
 * The page path of a dump that kills the tree. While the tree is frozen, the task itself
 * vmsplices its pages into pipes (a remote syscall: the pipes then hold references to the
 * pages, nothing is copied) and the space of pages-N.img is reserved; once the tree is
 * killed, {@link #drain} splices the pipes into the files. The one copy of the pages thus
 * happens outside the frozen window, or beside it: each pipe, once full, is handed to an
 * early writer thread that splices it into the file while the tree is still frozen, on the
 * core the pinning leaves idle (the pinning thread mostly waits for ptrace round trips), so
 * that after the kill only the pipes not yet written remain. Everything that can fail for a
 * reason other than an I/O error (space, pipes, the task's own refusal) fails before the
 * kill, while the tree can still be released.
 *
 * <p>Pages of areas the task cannot read (PROT_NONE, write-only), which vmsplice refuses,
 * are copied through /proc/PID/mem into the file at once, as are the rest of a run
 * vmsplice stops in.
 */
final class PinnedPages {
    /** UIO_MAXIOV: most iovecs one vmsplice takes */
    private static final int IOVS = 1024;
    /** A run flag of ours (never written to the pagemap): the area is not readable by the task. */
    static final int UNREADABLE = 1 << 30;
    private static final int O_CLOEXEC = 02000000, EMFILE = 24;
    private static final int ROBUST_LIST_HEAD_SIZE = 24;
    /** threads writing pinned pages after the kill (JCRIU_DRAIN_THREADS, for measuring) */
    private static final int DRAIN_THREADS = Math.max(1, Integer.parseInt(
            System.getProperty("jcriu.drain.threads", System.getenv().getOrDefault("JCRIU_DRAIN_THREADS", "2"))));

    /**
     * Readable bytes from which a task's pages are pinned by compel's parasite, one request per
     * {@link #GROUP} pipes, instead of one remote vmsplice per 1 MiB pipe (also the root's size
     * from which the pinning is prepared before the freeze). Infecting and curing took 5 to 7
     * ms in a dump at load 3 to 5, and a dump's first infect pays class loading: in interleaved
     * runs the parasite pinned 64 MiB in 22 to 24 ms against 18 to 29 by remote vmsplices, with
     * 2 to 14 ms more frozen time, and 128 MiB in 43 to 60 ms against 60 to 84. Smaller tasks
     * keep the remote syscalls (JCRIU_PIN_PARASITE=0: every task, for measuring).
     */
    private static final long PARASITE_MIN = 128L << 20;
    /** {@link #PARASITE_MIN}, or what jcriu.pin.parasite.min / JCRIU_PIN_PARASITE_MIN says (bytes) */
    private final long parasiteMin;
    /** false: remote vmsplices for every task (jcriu.pin.parasite / JCRIU_PIN_PARASITE = 0) */
    private final boolean parasite;
    /**
     * Pipes filled by one parasite request: a full request's pipes reach the early writer only
     * when it answers, so not all 253 a message can carry (JCRIU_PIN_GROUP, for measuring).
     */
    private static final int GROUP = Math.max(1, Math.min(Parasite.MAX_PIPES, Integer.parseInt(
            System.getProperty("jcriu.pin.group", System.getenv().getOrDefault("JCRIU_PIN_GROUP", "32")))));

    /** write full pipes while the tree is still frozen (JCRIU_EARLY_WRITE=0 turns it off, for measuring) */
    private static final boolean EARLY_WRITE = !"0".equals(
            System.getProperty("jcriu.early.write", System.getenv().getOrDefault("JCRIU_EARLY_WRITE", "1")));

    /** A stretch of one pipe's content and where it goes in the file. */
    private record Piece(Fd pipe, long fileOff, long len) {}

    /** One full pipe's pieces, in order: one thread writes them all. */
    private record Job(Target target, List<Piece> pieces) {}

    /** One pages-N.img: the file, reserved to its final size, and what fills it. */
    private static final class Target {
        final ImageFile file;
        final List<Piece> pieces = new ArrayList<>();
        final List<Fd> pipes = new ArrayList<>();
        /** pieces before this index are in jobs already */
        int queued;

        Target(ImageFile file) {
            this.file = file;
        }

        void close() {
            for (Fd p : pipes) p.close();
            file.close();
        }
    }

    private final DumpStats stats;
    private final List<Target> targets = new ArrayList<>();
    private final ByteBuffer iov = ByteBuffer.allocateDirect(16 * IOVS).order(ByteOrder.nativeOrder());
    private final ByteBuffer two = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    private Memory copyBuf;
    /** fds of ours open in the task being pinned */
    private final List<Integer> remoteFds = new ArrayList<>();
    /** full pipes waiting to be written, in the order they were filled */
    private final LinkedBlockingQueue<Job> ready = new LinkedBlockingQueue<>();
    /** no job will come any more (the kill happened, or the dump is given up) */
    private volatile boolean closed;
    private volatile boolean abandoned;
    private final AtomicReference<IOException> writeError = new AtomicReference<>();
    /** ns the early writer spent writing */
    private final AtomicLong earlyNanos = new AtomicLong();
    private Thread earlyWriter;
    /** our pipes, some made before the freeze */
    private final PipePool pool = new PipePool();
    /**
     * Pipes we may hold at once ({@link #pipeBudget()}): when every one holds pages not yet
     * written, the pinning writes some itself and takes their pipes again, so a task larger
     * than our fd limit allows in pipes is still dumped, with a longer frozen window.
     */
    private final java.util.concurrent.Semaphore pipes;
    private final int maxPipes;
    /** bytes already promised on tmpfs, where fallocate would allocate (and zero) every page now */
    private long tmpfsPromised;

    /**
     * @param root the tree's root: if it alone holds enough memory for the parasite's way, a
     *     thread started now makes the pinning's pipes ready beside the freeze ({@link
     *     PipePool#fill}) and loads the parasite blob
     */
    PinnedPages(DumpStats stats, int root) {
        this.stats = stats;
        maxPipes = pipeBudget();
        pipes = new java.util.concurrent.Semaphore(maxPipes);
        parasite = !"0".equals(System.getProperty("jcriu.pin.parasite",
                System.getenv().getOrDefault("JCRIU_PIN_PARASITE", "1")));
        parasiteMin = Long.parseLong(System.getProperty("jcriu.pin.parasite.min",
                System.getenv().getOrDefault("JCRIU_PIN_PARASITE_MIN", Long.toString(PARASITE_MIN))));
        long rss = 0;
        try {
            rss = Long.parseLong(ProcFs.read(root, "statm").trim().split("\\s+")[1]) << 12;
        } catch (IOException | RuntimeException e) {
            // no estimate: nothing made ahead, the pinning makes its pipes itself
        }
        if (rss >= parasiteMin) {
            long bytes = rss;
            Thread p = new Thread(() -> prepare(bytes), "jcriu-pin-prepare");
            p.setDaemon(true);
            p.start();
        }
    }

    /**
     * How many pipes the pinning may hold: half of what our fd limit leaves (a pipe has two
     * ends while it is filled), less a reserve for everything else a dump opens; at least 8.
     * jcriu.pin.maxPipes / JCRIU_PIN_MAX_PIPES sets it (for tests and measuring).
     */
    static int pipeBudget() {
        String forced = System.getProperty("jcriu.pin.maxPipes", System.getenv("JCRIU_PIN_MAX_PIPES"));
        if (forced != null) return Math.max(1, Integer.parseInt(forced.trim()));
        long limit = 1024, open = 64;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    limit = soft.equals("unlimited") ? Integer.MAX_VALUE : Long.parseLong(soft);
                }
            }
            try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                open = fds.count();
            }
        } catch (IOException | RuntimeException e) {
            Log.debug("the fd limit for pinning: " + e.getMessage() + "; assuming " + limit);
        }
        return (int) Math.max(8, Math.min(1 << 20, (limit - open - 256) / 2));
    }

    /**
     * Takes one pipe's permit. When none is left, every pipe holds pages not yet written:
     * write a queued one here (the early writer may be busy with another), or wait for the
     * early writer to finish the one it has.
     */
    private void acquirePipe() throws IOException {
        while (!pipes.tryAcquire()) {
            IOException e = writeError.get();
            if (e != null) throw e;
            Job j = ready.poll();
            if (j != null) {
                long t0 = System.nanoTime();
                writeJob(j);
                earlyNanos.addAndGet(System.nanoTime() - t0);
                continue;
            }
            try {
                if (pipes.tryAcquire(5, TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a pipe", ie);
            }
            if (earlyWriter == null || !earlyWriter.isAlive()) {
                throw new IOException("all " + maxPipes + " pipes of the pinning are in use and none is queued to be written");
            }
        }
    }

    /** A pipe of ours for about {@code want} bytes, within the budget. */
    private PipePool.Pipe takePipe(long want) throws IOException {
        acquirePipe();
        try {
            return pool.take(want);
        } catch (IOException | RuntimeException e) {
            pipes.release();
            throw e;
        }
    }

    /** Closes a pipe of ours that never reached a job (empty, or a failure), giving its permit back. */
    private void dropPipe(Fd read) {
        read.close();
        pipes.release();
    }

    /** Writes one pipe's pieces into their file, then closes the pipe: its permit is free again. */
    private void writeJob(Job j) throws IOException {
        for (Piece p : j.pieces()) j.target().file.spliceFrom(p.pipe().fd(), p.fileOff(), p.len());
        Fd last = null;
        for (Piece p : j.pieces()) {
            if (p.pipe() == last) continue;
            last = p.pipe();
            last.close();
            pipes.release();
        }
    }

    /**
     * What pinning about {@code bytes} would otherwise pay inside the frozen window: its pipes
     * and the growth of our fd table ({@link PipePool#fill}: 10 to 16 ms for 1 GiB here), and
     * the loading of the parasite blob (7 to 17 ms from the jar; the first infect fell from 14
     * to 5 ms).
     */
    private void prepare(long bytes) {
        long t0 = System.nanoTime();
        try {
            if (parasite) Parasite.preload();
            long t1 = System.nanoTime();
            pool.fill(Math.min(bytes, (long) maxPipes * PipePool.MIN_PIPE));
            long t2 = System.nanoTime();
            Log.debug(() -> "pinning prepared: parasite blob " + (t1 - t0) / 1000 + " us, pipes and fd table "
                    + (t2 - t1) / 1000 + " us");
        } catch (IOException | RuntimeException | LinkageError e) {
            Log.debug("preparing the page pinning: " + e.getMessage());
        }
    }

    /**
     * Pins task t's runs (in file order) into pipes and reserves {@code file}. Runs flagged
     * {@link #UNREADABLE} are copied now.
     */
    void pin(TaskNode t, MemoryDumper.Runs r, Path file) throws IOException, DumpException {
        long total = r.bytes();
        Target tg = new Target(ImageFile.create(file));
        targets.add(tg);
        reserve(tg, file, total);
        long readable = 0;
        for (int i = 0; i < r.n; i++) if ((r.flags[i] & UNREADABLE) == 0) readable += r.len[i];
        if (parasite && readable >= parasiteMin) {
            pinByParasite(t, r, tg);
        } else {
            pinByRemoteVmsplice(t, r, tg, readable);
        }
        stats.pagesWritten += total >>> 12;
        Log.debug("task " + t.pid + ": " + (total >>> 20) + " MiB pinned in " + tg.pipes.size() + " pipes of up to "
                + (pool.maxPipe() >> 10) + " KiB");
    }

    /**
     * The parasite's way: the task vmsplices its pages straight into pipes of ours, whose write
     * ends it gets with each request ({@link Parasite#vmspliceToPipes}): one round trip per
     * {@link #GROUP} pipes, and nobody has to drain a pipe meanwhile. Each filled pipe goes to
     * the early writer as soon as its request is answered.
     */
    private void pinByParasite(TaskNode t, MemoryDumper.Runs r, Target tg) throws IOException, DumpException {
        int cap = Math.min(r.n, Parasite.MAX_IOVECS);
        long[] addrs = new long[cap], lens = new long[cap];
        Fd[] reads = new Fd[GROUP], writes = new Fd[GROUP];
        int[] w = new int[GROUP];
        int i = 0;
        long inRun = 0, fileOff = 0;
        int pipeSize = 0, requests = 0;
        long t0 = System.nanoTime(), tIn, tReq = 0, tOut, tMake = 0;
        try (Parasite p = t.tracee.infect()) {
            tIn = System.nanoTime();
            while (i < r.n) {
                if ((r.flags[i] & UNREADABLE) != 0) {
                    copy(t, tg.file, r.addr[i] + inRun, r.len[i] - inRun, fileOff);
                    fileOff += r.len[i] - inRun;
                    i++;
                    inRun = 0;
                    continue;
                }
                // the readable runs from the cursor on, up to a request's pipes
                int k = 0;
                long want = 0, most = (long) GROUP * Math.max(pipeSize, PipePool.MIN_PIPE);
                for (int j = i; j < r.n && k < cap && want < most && (r.flags[j] & UNREADABLE) == 0; j++, k++) {
                    long from = j == i ? inRun : 0;
                    long take = Math.min(r.len[j] - from, most - want);
                    addrs[k] = r.addr[j] + from;
                    lens[k] = take;
                    want += take;
                }
                int np = 0, kept = 0;
                PipeFill f;
                long m0 = System.nanoTime();
                try {
                    for (long room = 0; room < want && np < GROUP; np++) {
                        // a request with the pipes the budget has now; wait only for its first
                        if (np > 0 && pipes.availablePermits() == 0) break;
                        PipePool.Pipe lp = takePipe(want - room);
                        reads[np] = lp.read();
                        writes[np] = lp.write();
                        w[np] = lp.write().fd();
                        if (pipeSize == 0) pipeSize = lp.size();
                        room += lp.size();
                        stats.pagePipeBufs++;
                    }
                    long q0 = System.nanoTime();
                    tMake += q0 - m0;
                    f = p.vmspliceToPipes(w, np, pipeSize, addrs, lens, k);
                    tReq += System.nanoTime() - q0;
                    requests++;
                    for (; kept < np; kept++) {
                        long n = kept < f.pipesTaken() ? f.perPipe()[kept] : 0;
                        if (n == 0) break; // the pipes after an empty one are empty too
                        tg.pipes.add(reads[kept]); // from here on the target closes it
                        tg.pieces.add(new Piece(reads[kept], fileOff, n));
                        queue(tg); // each pipe is one job, for the early writer at once
                        fileOff += n;
                    }
                } finally {
                    for (int q = 0; q < np; q++) writes[q].close();
                    for (int q = kept; q < np; q++) dropPipe(reads[q]); // empty, or a failure before they were kept
                }
                if (requests == 1) Fault.at("pin"); // the parasite in, pipes filled: all must go
                // advance the cursor by what was pinned
                long[] c = advance(r, i, inRun, f.total());
                i = (int) c[0];
                inRun = c[1];
                if (f.errno() == Errno.EFAULT) {
                    // vmsplice stopped at this run: copy the rest of it now
                    copy(t, tg.file, r.addr[i] + inRun, r.len[i] - inRun, fileOff);
                    fileOff += r.len[i] - inRun;
                    i++;
                    inRun = 0;
                } else if (f.errno() != 0) {
                    throw new DumpException("task " + t.pid + ": vmsplice of its pages failed with error(" + f.errno()
                            + ") at 0x" + Long.toHexString(r.addr[i] + inRun));
                } else if (f.total() == 0) {
                    throw new DumpException("task " + t.pid + ": no page could be pinned at 0x"
                            + Long.toHexString(r.addr[i] + inRun) + " (" + f.pipesTaken() + " of " + np
                            + " pipes reached the task: is its fd table full?)");
                }
            }
            tOut = System.nanoTime();
        } catch (CompelException e) {
            throw new DumpException("task " + t.pid + ": pinning its pages through the parasite: " + e.getMessage(), e);
        }
        long tCured = System.nanoTime(), in = tIn - t0, req = tReq, out = tOut, n = requests, make = tMake;
        Log.debug(() -> String.format("task %d: pages pinned by the parasite: infect %d us, %d requests %d us, "
                + "pipes %d us, the rest %d us, cure %d us", t.pid, in / 1000, n, req / 1000, make / 1000,
                (out - tIn - req - make) / 1000, (tCured - out) / 1000));
    }

    /**
     * Without the parasite: one pipe in the task (the relay) and one remote vmsplice per pipe
     * of ours, each moved at once from the relay into our pipe by a local splice.
     */
    private void pinByRemoteVmsplice(TaskNode t, MemoryDumper.Runs r, Target tg, long readable)
            throws IOException, DumpException {
        Tracee tr = t.tracee;
        long scratch = tr.scratch();
        try (Fd pidfd = Pidfd.open(t.pid)) {
            int i = 0;
            long inRun = 0, fileOff = 0;
            Fd pipe = null, pipeW = null, relay = null;
            int remoteW = -1, relaySize = 0;
            long free = 0, pipeSize = 0, pieceOff = 0, pieceLen = 0;
            try {
                while (i < r.n) {
                    boolean copy = (r.flags[i] & UNREADABLE) != 0;
                    if (!copy && relay == null) {
                        // one pipe in the task; each vmsplice into it is moved at once into
                        // a pipe of ours (pipe to pipe, splice moves the page references):
                        // one remote syscall per pipe's worth instead of two
                        int[] p = newPipe(tr, scratch, pidfd, readable);
                        relay = new Fd(p[0]);
                        remoteW = p[1];
                        relaySize = p[2];
                    }
                    if (!copy && free == 0) {
                        if (pieceLen > 0) tg.pieces.add(new Piece(pipe, pieceOff, pieceLen));
                        pieceLen = 0;
                        queue(tg); // the pipe is full: its pages can go to the file now
                        if (pipeW != null) pipeW.close();
                        PipePool.Pipe lp = takePipe(relaySize);
                        pipe = lp.read();
                        pipeW = lp.write();
                        tg.pipes.add(pipe);
                        free = Math.min(lp.size(), relaySize);
                        pipeSize = free;
                        pieceOff = fileOff;
                        stats.pagePipeBufs++;
                    }
                    long n = 0;
                    if (!copy) {
                        n = vmsplice(tr, scratch, remoteW, r, i, inRun, free);
                        if (n < 0 && n != -Errno.EFAULT) {
                            throw new DumpException("task " + t.pid + ": vmsplice of its pages failed with error(" + -n
                                    + ") at 0x" + Long.toHexString(r.addr[i] + inRun));
                        }
                        if (n == 0 && free < pipeSize) {
                            free = 0; // the pipe is fuller than we counted: take a new one
                            continue;
                        }
                    }
                    if (n > 0) {
                        Pipes.spliceAll(relay.fd(), pipeW.fd(), n);
                        if (pieceLen == 0) pieceOff = fileOff;
                        pieceLen += n;
                        free -= n;
                        fileOff += n;
                        readable -= n;
                        long[] c = advance(r, i, inRun, n);
                        i = (int) c[0];
                        inRun = c[1];
                        continue;
                    }
                    // unreadable, or vmsplice stopped at this run (EFAULT): copy the rest of the run now
                    if (pieceLen > 0) tg.pieces.add(new Piece(pipe, pieceOff, pieceLen));
                    pieceLen = 0;
                    long rest = r.len[i] - inRun;
                    copy(t, tg.file, r.addr[i] + inRun, rest, fileOff);
                    if (!copy) readable -= rest;
                    fileOff += rest;
                    i++;
                    inRun = 0;
                }
                if (pieceLen > 0) tg.pieces.add(new Piece(pipe, pieceOff, pieceLen));
                queue(tg);
            } finally {
                closeRemote(tr);
                if (relay != null) relay.close();
                if (pipeW != null) pipeW.close();
            }
        }
    }

    /** The cursor at run i, inRun bytes into it, moved n bytes on: {run, bytes into it}. */
    private static long[] advance(MemoryDumper.Runs r, int i, long inRun, long n) {
        while (n > 0) {
            long take = Math.min(n, r.len[i] - inRun);
            n -= take;
            inRun += take;
            if (inRun == r.len[i]) {
                i++;
                inRun = 0;
            }
        }
        return new long[] {i, inRun};
    }

    /** Hands the pieces of tg not yet queued (one pipe's, all full) to the writers. */
    private void queue(Target tg) {
        if (tg.queued == tg.pieces.size()) return;
        ready.add(new Job(tg, new ArrayList<>(tg.pieces.subList(tg.queued, tg.pieces.size()))));
        tg.queued = tg.pieces.size();
        if (EARLY_WRITE && earlyWriter == null) {
            earlyWriter = new Thread(() -> {
                long t0 = System.nanoTime();
                write(true);
                earlyNanos.addAndGet(System.nanoTime() - t0);
            }, "jcriu-pages-early");
            earlyWriter.setDaemon(true);
            earlyWriter.start();
        }
    }

    /**
     * Writes queued jobs until none is left; with {@code follow}, also waits for more until
     * the queue is closed (the early writer). The first error stops every writer.
     */
    private void write(boolean follow) {
        try {
            while (writeError.get() == null && !abandoned) {
                Job j = follow && !closed ? ready.poll(5, TimeUnit.MILLISECONDS) : ready.poll();
                if (j == null) {
                    if (!follow || closed) return;
                    continue;
                }
                writeJob(j);
            }
        } catch (IOException e) {
            writeError.compareAndSet(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The space is the file's before the kill: fallocate, except on tmpfs, where fallocate
     * would allocate and zero every page inside the frozen window (0.3 to 0.6 s per GiB here);
     * there the free space is checked instead.
     */
    private void reserve(Target tg, Path file, long total) throws IOException, DumpException {
        if (total == 0) return;
        java.nio.file.FileStore fs = Files.getFileStore(file);
        if ("tmpfs".equals(fs.type())) {
            tmpfsPromised += total;
            if (fs.getUsableSpace() < tmpfsPromised) {
                throw new DumpException(file + ": " + tmpfsPromised + " bytes of pages do not fit in the "
                        + fs.getUsableSpace() + " bytes free on " + fs);
            }
            return;
        }
        try {
            tg.file.reserve(total);
        } catch (Errno e) {
            throw new DumpException(file + ": cannot reserve " + total + " bytes for the pages: " + e.getMessage(), e);
        }
    }

    /**
     * A pipe made by the task (pipe2 as a remote syscall), whose read end we take with
     * pidfd_getfd: {local read end, remote write end, size}. The task's two ends stay open
     * until {@link #closeRemote}, which closes them all in a few close_range calls: one
     * remote syscall fewer per pipe (without CAP_SYS_RESOURCE a pipe holds at most
     * pipe-max-size, 1 MiB by default: 1024 pipes per GiB).
     */
    private int[] newPipe(Tracee tr, long scratch, Fd pidfd, long want) throws IOException, DumpException {
        long r = tr.syscall("pipe2", scratch, O_CLOEXEC);
        if (r == -EMFILE && !remoteFds.isEmpty()) {
            closeRemote(tr); // the task's fd limit: its pipes already taken can go
            r = tr.syscall("pipe2", scratch, O_CLOEXEC);
        }
        if (r < 0) throw new DumpException("task " + tr.pid() + ": pipe2 failed with error(" + -r + ")");
        two.clear();
        if (tr.readMemory(scratch, two) != 8) throw new DumpException("task " + tr.pid() + ": cannot read its pipe fds");
        int rfd = two.getInt(0), wfd = two.getInt(4);
        remoteFds.add(rfd);
        remoteFds.add(wfd);
        Fd local = Pidfd.getfd(pidfd, rfd);
        return new int[] {local.fd(), wfd, pool.size(local, want)};
    }

    /** Closes the fds we made in the task: close_range over each stretch of consecutive numbers. */
    private void closeRemote(Tracee tr) {
        if (remoteFds.isEmpty()) return;
        int[] fds = remoteFds.stream().mapToInt(Integer::intValue).sorted().toArray();
        remoteFds.clear();
        for (int a = 0; a < fds.length; ) {
            int b = a;
            while (b + 1 < fds.length && fds[b + 1] == fds[b] + 1) b++;
            long r = fds[a] == fds[b] ? tr.syscall("close", fds[a]) : tr.syscall("close_range", fds[a], fds[b], 0);
            if (r < 0) Log.warn("task " + tr.pid() + ": cannot close fds " + fds[a] + ".." + fds[b] + ": error(" + -r + ")");
            a = b + 1;
        }
    }

    /** One vmsplice in the task of at most {@code free} bytes from the cursor: bytes moved or -errno. */
    private long vmsplice(Tracee tr, long scratch, int wfd, MemoryDumper.Runs r, int i, long inRun, long free) {
        iov.clear();
        int k = 0;
        long want = 0;
        for (int j = i; j < r.n && k < IOVS && want < free && (r.flags[j] & UNREADABLE) == 0; j++, k++) {
            long from = j == i ? inRun : 0;
            long take = Math.min(r.len[j] - from, free - want);
            iov.putLong(r.addr[j] + from).putLong(take);
            want += take;
        }
        iov.flip();
        if (tr.writeMemory(scratch, iov) != 16 * k) return -Errno.EFAULT;
        long n = tr.syscall("vmsplice", wfd, scratch, k, Pipes.SPLICE_F_NONBLOCK);
        return n == -Errno.EAGAIN ? 0 : n;
    }

    /** Copies len bytes at addr in the task through /proc/PID/mem to the file at fileOff. */
    private void copy(TaskNode t, ImageFile out, long addr, long len, long fileOff) throws IOException, DumpException {
        if (copyBuf == null) copyBuf = new Memory(1 << 20);
        try (ImageFile mem = ImageFile.read(ProcFs.pid(t.pid).resolve("mem"))) {
            for (long done = 0; done < len; ) {
                long n = mem.pread(copyBuf, Math.min(copyBuf.size(), len - done), addr + done);
                if (n <= 0) {
                    throw new DumpException("task " + t.pid + ": cannot read memory at 0x" + Long.toHexString(addr + done));
                }
                out.pwriteAll(copyBuf, n, fileOff + done);
                done += n;
            }
        }
    }

    /**
     * Right before the kill. A dying thread's kernel writes into its memory (0 at its
     * clear_child_tid address, OWNER_DIED into the robust futexes it holds), and the pipes
     * hold those very pages, not copies: each thread's clear_child_tid and robust list are
     * unset first, so what is written after the kill is the memory of the frozen tree. If
     * that fails, what was unset is put back: the dump fails and the tree runs on as before.
     * The addresses to put back are the ones the dump already read for the cores
     * ({@code exitAddrs}: tid -> {clear_child_tid, robust list head, length}), not read again
     * inside the frozen window.
     */
    void beforeKill(List<TaskNode> tree, java.util.Map<Integer, long[]> exitAddrs) throws DumpException {
        checkWrites();
        List<TraceeThread> unset = new ArrayList<>();
        try {
            for (TaskNode t : tree) {
                if (t.zombie || t.tracee == null) continue;
                for (int tid : t.threadList()) {
                    if (!exitAddrs.containsKey(tid)) throw new DumpException("thread " + tid + ": its core was not written");
                    TraceeThread th = t.tracee.thread(tid);
                    unset.add(th);
                    ok(t, "set_tid_address(NULL)", th.syscall("set_tid_address", 0));
                    ok(t, "set_robust_list(NULL)", th.syscall("set_robust_list", 0, ROBUST_LIST_HEAD_SIZE));
                }
            }
        } catch (DumpException | RuntimeException e) {
            for (TraceeThread th : unset) {
                long[] a = exitAddrs.get(th.tid());
                try {
                    th.syscall("set_tid_address", a[0]);
                    th.syscall("set_robust_list", a[1], a[2]);
                } catch (RuntimeException again) {
                    Log.warn("thread " + th.tid() + ": cannot put back its clear_child_tid/robust list: " + again.getMessage());
                }
            }
            if (e instanceof DumpException d) throw d;
            throw new DumpException("cannot prepare the tree's threads for the kill: " + e.getMessage(), e);
        }
    }

    private static void ok(TaskNode t, String call, long r) throws DumpException {
        if (r < 0 && r > -4096) throw new DumpException("task " + t.pid + ": " + call + " failed with error(" + -r + ")");
    }

    /** True if pages wait in pipes. */
    boolean pending() {
        return !targets.isEmpty();
    }

    /**
     * Splices the pipes not yet written into their files (after the kill); returns the time
     * spent writing pages, ns: this call's wall time plus the early writer's busy time. Two
     * threads take the remaining pipes: the copy into fresh page-cache pages is CPU-bound,
     * and both cores are free once the tree is dead.
     */
    long drain() throws IOException {
        long t0 = System.nanoTime();
        try {
            closed = true; // the early writer finishes what is queued, beside the helpers
            long left = 0;
            for (Job j : ready) for (Piece p : j.pieces()) left += p.len();
            int threads = left >= (64L << 20) ? DRAIN_THREADS : 1;
            Thread[] helpers = new Thread[threads - 1];
            for (int h = 0; h < helpers.length; h++) {
                helpers[h] = new Thread(() -> write(false), "jcriu-pages-drain");
                helpers[h].setDaemon(true);
                helpers[h].start();
            }
            write(false);
            try {
                for (Thread h : helpers) h.join();
                if (earlyWriter != null) earlyWriter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing pages", e);
            }
            IOException e = writeError.get();
            if (e != null) throw e;
            if (!ready.isEmpty()) throw new IOException("pages left unwritten in " + ready.size() + " pipes");
        } finally {
            discard();
        }
        return System.nanoTime() - t0 + earlyNanos.get();
    }

    /**
     * Before the kill: an error of the early writer (no space, an I/O error) fails the dump
     * while the tree can still be released.
     */
    void checkWrites() throws DumpException {
        IOException e = writeError.get();
        if (e != null) throw new DumpException("writing pages: " + e.getMessage(), e);
    }

    /** Drops the pipes (and with them the page references) and closes the files. Safe twice. */
    void discard() {
        abandoned = true;
        closed = true;
        pool.close();
        if (earlyWriter != null) {
            try {
                earlyWriter.join(); // it stops after its current piece: the fds stay valid until then
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ready.clear();
        for (Target tg : targets) tg.close();
        targets.clear();
    }
}
