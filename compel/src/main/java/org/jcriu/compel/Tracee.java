package org.jcriu.compel;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jcriu.compel.sys.Errno;
import org.jcriu.compel.sys.ErrnoException;
import org.jcriu.compel.sys.Kernel;
import org.jcriu.compel.sys.Mman;
import org.jcriu.compel.sys.NoSuchProcessException;
import org.jcriu.compel.sys.PermissionDeniedException;
import org.jcriu.compel.sys.ProcessVm;
import org.jcriu.compel.sys.Ptrace;
import org.jcriu.compel.sys.Signal;
import org.jcriu.compel.sys.Syscalls;
import org.jcriu.compel.sys.Wait;

/**
 * A seized task: every thread of one thread group, stopped under ptrace by one {@link Tracer}.
 *
 * <p>Lifecycle: {@link Compel#seize(int)} (or {@link Tracer#seize(int)}) stops every thread;
 * then read and set registers, memory, run {@link #syscall remote syscalls}, {@link #infect()
 * infect} with the parasite; finally {@link #resume()} (leave the task as found) or
 * {@link #detach(AfterDetach)} or {@link #kill()}. {@link #close()} is {@link #resume()} if still
 * attached, and does nothing after; a Tracee from {@link Compel#seize(int)} also stops its tracer.
 *
 * <p>Remote syscalls and {@link SyscallBatch batches} run through a code area in the task: its
 * first {@link #SCRATCH_DATA} bytes hold compel's remote code ({@code syscall; int3}, then the
 * batch interpreter), the rest is room for pointer arguments. By default compel maps one itself
 * (64 KiB, anonymous, rwx) on first need, by a syscall instruction found in the task's vDSO (or
 * other code), and unmaps it at resume/detach: nothing is left behind. A caller that made an rwx
 * mapping in the task for this (a restore, which must keep every other address free) hands it
 * over with {@link #useArea(long, long)} instead; that one is the caller's to unmap.
 */
public final class Tracee implements AutoCloseable {
    /** What a thread does after {@link #detach(AfterDetach)}. */
    public enum AfterDetach {
        /** as found when seized: running, or stopped if it was in a group-stop */
        AS_FOUND,
        /** running, even if found stopped (SIGCONT is sent) */
        RUNNING,
        /** stopped (SIGSTOP is sent before detaching) */
        STOPPED
    }

    /** Size of the scratch area compel maps itself */
    public static final int SCRATCH_SIZE = 64 * 1024;
    /** Offset of the data part of a code area (after compel's remote code) */
    public static final int SCRATCH_DATA = 256;
    static final int OPTIONS = Ptrace.PTRACE_O_TRACESYSGOOD;
    static final int OPTIONS_AFTER = Ptrace.PTRACE_O_TRACESYSGOOD | Ptrace.PTRACE_O_TRACECLONE
            | Ptrace.PTRACE_O_TRACEFORK | Ptrace.PTRACE_O_TRACEVFORK;

    final Tracer tracer;
    final int pid;
    final boolean ownTracer;
    final Map<Integer, TraceeThread> threads = new LinkedHashMap<>();
    /**
     * Wait statuses collected for a thread by another thread's wait (tid -> statuses, oldest
     * first), taken by that thread's own wait before it asks the kernel: see
     * {@link #collectSiblingEvents}. Tracer thread only.
     */
    private final Map<Integer, ArrayDeque<Integer>> pending = new HashMap<>();
    boolean attached = true;
    /** the leader has exited (pthread_exit) while other threads live: it is not seized */
    boolean zombieLeader;
    private long scratch;
    /** size of the code area at {@code scratch} */
    private long areaSize = SCRATCH_SIZE;
    /** the caller's area ({@link #useArea}): never unmapped by compel */
    private boolean callersArea;
    /** ptrace options of every thread (PTRACE_O_EXITKILL added by {@link #killOnTracerExit()}) */
    int options = OPTIONS_AFTER;
    private long syscallSite;
    private boolean trapIgnored;
    private FileChannel mem;
    private final Memory word = new Memory(8);
    Parasite parasite;

    private Tracee(Tracer tracer, int pid, boolean ownTracer) {
        this.tracer = tracer;
        this.pid = pid;
        this.ownTracer = ownTracer;
    }

    // ---- seize ---------------------------------------------------------------------------

    static Tracee seize(Tracer tracer, int pid, boolean ownTracer, SeizeOption... options) {
        int extra = SeizeOption.flags(options);
        if (pid <= 0) {
            throw new IllegalArgumentException("bad pid " + pid);
        }
        Tracee t = new Tracee(tracer, pid, ownTracer);
        List<Integer> seized = new ArrayList<>();
        try {
            while (true) {
                boolean added = false;
                for (int tid : listTasks(pid)) {
                    if (seized.contains(tid)) {
                        continue;
                    }
                    try {
                        Ptrace.seize(tid, OPTIONS | extra);
                    } catch (NoSuchProcessException e) {
                        if (tid == pid) {
                            throw e;
                        }
                        continue;
                    } catch (PermissionDeniedException e) {
                        if (tid == pid && isZombie(pid, tid) && listTasks(pid).size() > 1) {
                            // the leader called pthread_exit: the other threads live on
                            seized.add(tid);
                            t.zombieLeader = true;
                            continue;
                        }
                        int by = tracerOf(tid);
                        throw by > 0 ? ErrnoException.of("ptrace(PTRACE_SEIZE)", e.errno(),
                                "task " + tid + " is already traced by " + by) : e;
                    }
                    seized.add(tid);
                    added = true;
                    try {
                        Ptrace.interrupt(tid);
                    } catch (NoSuchProcessException e) {
                        // exited meanwhile: its wait status tells
                    }
                }
                if (!added) {
                    break;
                }
            }
            for (int tid : seized) {
                if (tid == pid && t.zombieLeader) {
                    continue;
                }
                TraceeThread th = collectFirstStop(t, tid);
                if (th != null) {
                    t.threads.put(tid, th);
                }
            }
            if (t.threads.isEmpty() || (!t.zombieLeader && !t.threads.containsKey(pid))) {
                throw NoSuchProcessException.gone("ptrace", "task " + pid + " exited while being seized");
            }
            for (TraceeThread th : t.threads.values()) {
                Ptrace.setOptions(th.tid, OPTIONS_AFTER | extra);
                t.options = OPTIONS_AFTER | extra;
                th.readSigmask();
            }
            t.trapIgnored = (sigIgn(pid) & Signal.bit(Signal.SIGTRAP)) != 0;
            return t;
        } catch (RuntimeException e) {
            for (int tid : seized) {
                if (tid == pid && t.zombieLeader) {
                    continue;
                }
                TraceeThread th = t.threads.get(tid);
                if (th == null) {
                    try {
                        th = collectFirstStop(t, tid);
                    } catch (RuntimeException ignored) {
                        th = null;
                    }
                }
                if (th != null) {
                    th.detach();
                }
            }
            t.attached = false;
            throw e;
        }
    }

    private static TraceeThread collectFirstStop(Tracee t, int tid) {
        List<byte[]> pending = new ArrayList<>();
        while (true) {
            long r;
            try {
                r = Wait.waitpid(tid, Wait.__WALL);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ECHILD) {
                    return null;
                }
                throw e;
            }
            int st = Wait.status(r);
            if (!Wait.WIFSTOPPED(st)) {
                return null;
            }
            int sig = Wait.WSTOPSIG(st);
            int ev = Wait.ptraceEvent(st);
            if (ev == Ptrace.PTRACE_EVENT_STOP) {
                boolean stopped = sig == Signal.SIGSTOP || sig == Signal.SIGTSTP || sig == Signal.SIGTTIN
                        || sig == Signal.SIGTTOU;
                TraceeThread th = new TraceeThread(t, tid, stopped ? TraceeThread.Found.STOPPED
                        : TraceeThread.Found.RUNNING, stopped ? sig : 0);
                th.heldSignals.addAll(pending);
                return th;
            }
            if (ev == 0) {
                // dequeued before our interrupt: held (queued again at detach), not delivered
                pending.add(TraceeThread.siginfoAt(tid, sig));
            }
            Ptrace.cont(tid, 0);
        }
    }

    static List<Integer> listTasks(int pid) {
        Path dir = Paths.get("/proc", Integer.toString(pid), "task");
        List<Integer> tids = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> tids.add(Integer.parseInt(p.getFileName().toString())));
        } catch (NoSuchFileException e) {
            throw NoSuchProcessException.gone("ptrace", "no task " + pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Collections.sort(tids);
        // the leader first
        if (tids.remove((Integer) pid)) {
            tids.add(0, pid);
        }
        return tids;
    }

    private static String statusField(int pid, String field) {
        try {
            for (String l : Files.readAllLines(Paths.get("/proc", Integer.toString(pid), "status"))) {
                if (l.startsWith(field + ":")) {
                    return l.substring(field.length() + 1).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static boolean isZombie(int pid, int tid) {
        try {
            String st = Files.readString(Paths.get("/proc", Integer.toString(pid), "task", Integer.toString(tid), "stat"));
            char c = st.charAt(st.lastIndexOf(')') + 2);
            return c == 'Z' || c == 'X';
        } catch (IOException e) {
            return false;
        }
    }

    static int tracerOf(int tid) {
        String s = statusField(tid, "TracerPid");
        return s == null ? 0 : Integer.parseInt(s);
    }

    private static long sigIgn(int pid) {
        String s = statusField(pid, "SigIgn");
        return s == null ? 0 : Long.parseUnsignedLong(s, 16);
    }

    /** A task or thread created by a remote clone, already attached: collect its first stop. */
    TraceeThread adoptChild(int tid, boolean sameGroup) {
        Tracee owner = this;
        if (!sameGroup) {
            owner = new Tracee(tracer, tid, false);
            owner.scratch = scratch;
            owner.areaSize = areaSize;
            owner.callersArea = callersArea;
            owner.options = options;
            owner.syscallSite = syscallSite;
            owner.trapIgnored = trapIgnored;
        }
        TraceeThread th = new TraceeThread(owner, tid, TraceeThread.Found.NEW, 0);
        th.collectNewStop();
        owner.threads.put(tid, th);
        th.readSigmask();
        return th;
    }

    boolean hasOtherLiveThreads(TraceeThread t) {
        for (TraceeThread o : threads.values()) {
            if (o != t && !o.dead) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the oldest wait status kept for {@code tid} by {@link #collectSiblingEvents}: a
     * thread's own wait looks here before asking the kernel.
     *
     * @return the status, or -1 if none is kept
     */
    long takePending(int tid) {
        ArrayDeque<Integer> q = pending.get(tid);
        if (q == null) {
            return -1;
        }
        int st = q.removeFirst();
        if (q.isEmpty()) {
            pending.remove(tid);
        }
        return st & 0xffffffffL;
    }

    /**
     * Collects what the kernel has for the threads other than {@code t} without blocking
     * (waitpid(tid, WNOHANG | __WALL) each), and keeps it for their own waits: a stop (a sibling
     * at the trap of its batch while the leader's batch still runs) and an exit alike. An exit, or
     * a thread no longer ours to wait for (ECHILD), also marks it dead. The leader's wait needs
     * this: a dying group's leader is reported only once its other threads are reaped, and only
     * their tracer can reap them. No status is lost: a traced thread stops once and stays stopped
     * until continued, so what is kept here is exactly what its own wait would have got.
     */
    void collectSiblingEvents(TraceeThread t) {
        for (TraceeThread o : threads.values()) {
            if (o == t || o.dead) {
                continue;
            }
            long r;
            try {
                r = Wait.waitpid(o.tid, Wait.__WALL | Wait.WNOHANG);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ECHILD) {
                    throw e;
                }
                o.dead = true;
                continue;
            }
            if (Wait.pid(r) == 0) {
                continue;
            }
            int st = Wait.status(r);
            pending.computeIfAbsent(o.tid, k -> new ArrayDeque<>()).addLast(st);
            if (!Wait.WIFSTOPPED(st)) {
                o.dead = true;
            }
        }
    }

    // ---- accessors -----------------------------------------------------------------------

    /** @return the task (thread group) id */
    public int pid() {
        return pid;
    }

    /** @return the tracer through which this task is traced */
    public Tracer tracer() {
        return tracer;
    }

    /** @return the seized threads, leader first */
    public List<TraceeThread> threads() {
        return tracer.call(() -> List.copyOf(threads.values()));
    }

    /**
     * @return the thread-group leader (thread with tid == pid); when the leader has exited
     *     (pthread_exit) while other threads live on, the first live thread, which then runs
     *     remote syscalls and the parasite
     */
    public TraceeThread leader() {
        return tracer.call(this::mainThread);
    }

    /** @return the pid whose mm and /proc files stand for the task (a live thread if the leader is gone) */
    int memPid() {
        if (!zombieLeader) {
            return pid;
        }
        TraceeThread m = mainThread();
        return m == null ? pid : m.tid;
    }

    TraceeThread mainThread() {
        TraceeThread l = threads.get(pid);
        if (l != null && !l.dead) {
            return l;
        }
        for (TraceeThread t : threads.values()) {
            if (!t.dead) {
                return t;
            }
        }
        return l;
    }

    /** @return the seized thread {@code tid}, or null */
    public TraceeThread thread(int tid) {
        return tracer.call(() -> threads.get(tid));
    }

    /** @return whether every thread was found in a group-stop */
    public boolean wasStopped() {
        return tracer.call(() -> threads.values().stream().allMatch(t -> t.found == TraceeThread.Found.STOPPED));
    }

    /** @return whether the task is still attached (not resumed, detached or killed) */
    public boolean isAttached() {
        return attached;
    }

    // ---- syscalls ------------------------------------------------------------------------

    /** Runs a syscall in the leader, see {@link TraceeThread#syscall(int, long...)}. */
    public long syscall(int nr, long... args) {
        return leaderThread().syscall(nr, args);
    }

    /** Runs a syscall by name in the leader. */
    public long syscall(String name, long... args) {
        return syscall(Syscalls.number(name), args);
    }

    private TraceeThread leaderThread() {
        TraceeThread l = tracer.call(this::mainThread);
        if (l == null) {
            throw NoSuchProcessException.gone("ptrace", "leader of " + pid + " is gone");
        }
        return l;
    }

    /**
     * The data part of compel's scratch area in the task, mapped on first need: room for
     * pointer arguments of remote syscalls ({@link #SCRATCH_SIZE} - {@link #SCRATCH_DATA} bytes).
     * Valid until resume/detach.
     *
     * @return its address in the task
     */
    public long scratch() {
        return tracer.call(() -> {
            long s = trapSite(mainThread());
            if (s == 0) {
                throw new CompelException("no scratch area in task " + pid + " (SIGTRAP ignored)");
            }
            return scratch + SCRATCH_DATA;
        });
    }

    /** @return the data part of the scratch area, already mapped (on the tracer thread) */
    long scratchAddress() {
        return scratch + SCRATCH_DATA;
    }

    /** @return the size of the data part of the scratch area */
    public int scratchSize() {
        return (int) Math.min(Integer.MAX_VALUE, areaSize - SCRATCH_DATA);
    }

    /** @return the start of the code area (0 before it is mapped) */
    long areaAddress() {
        return scratch;
    }

    /**
     * Makes compel run remote syscalls and batches from an area the caller mapped in the task
     * (readable, writable and executable, page aligned, at least 4 KiB), instead of mapping an
     * area of its own: compel writes its remote code at {@code address}, the rest is scratch
     * data ({@link #scratch()}). Tasks and threads made by a remote clone from this task use the
     * same address (a fork copies the mapping). The area stays the caller's: compel never unmaps
     * it; a caller that unmaps it calls {@link #forgetArea()} at once.
     *
     * @param address start of the mapping in the task
     * @param size its length
     */
    public void useArea(long address, long size) {
        if (address == 0 || (address & 4095) != 0 || size < 4096) {
            throw new IllegalArgumentException(String.format("bad area %#x, %d bytes", address, size));
        }
        tracer.run(() -> {
            if (scratch != 0 && !callersArea) {
                unmapScratch();
            }
            ByteBuffer code = ByteBuffer.allocateDirect(RemoteCode.bytes().length);
            code.put(RemoteCode.bytes()).flip();
            if (writeMemory(address, code) != RemoteCode.bytes().length) {
                throw ErrnoException.of("process_vm_writev", Errno.EFAULT, String.format("area %#x in task %d", address, pid));
            }
            scratch = address;
            areaSize = size;
            callersArea = true;
            trapIgnored = false; // an int3 is forced through even when SIGTRAP is ignored
        });
    }

    /**
     * The area given to {@link #useArea} is gone from this task (the caller unmapped it, e.g. by a
     * syscall run from it): compel maps an area of its own if it needs one again.
     */
    public void forgetArea() {
        tracer.run(() -> {
            scratch = 0;
            areaSize = SCRATCH_SIZE;
            callersArea = false;
        });
    }

    /**
     * Adds seize options to every thread of this task now, and to tasks cloned from it under trace
     * later, as if it had been seized with them: e.g. {@link SeizeOption#SUSPEND_SECCOMP} for a
     * task that is about to confine itself while compel still runs code in it.
     */
    public void addSeizeOptions(SeizeOption... add) {
        tracer.run(() -> {
            options |= SeizeOption.flags(add);
            for (TraceeThread t : threads.values()) {
                if (!t.dead) {
                    Ptrace.setOptions(t.tid, options);
                }
            }
        });
    }

    /**
     * Asks the kernel to kill every thread of this task, and of tasks later cloned from it under
     * trace, if the tracer thread exits before detaching (PTRACE_O_EXITKILL): for tasks that
     * only make sense while this program finishes them, e.g. a half-restored tree.
     */
    public void killOnTracerExit() {
        tracer.run(() -> {
            options |= Ptrace.PTRACE_O_EXITKILL;
            for (TraceeThread t : threads.values()) {
                if (!t.dead) {
                    Ptrace.setOptions(t.tid, options);
                }
            }
        });
    }

    /**
     * Tells compel where the task has a {@code syscall} instruction (0f 05), e.g. in a restore
     * stub, instead of searching the vDSO and code mappings for one.
     */
    public void setSyscallSite(long address) {
        tracer.run(() -> syscallSite = address);
    }

    /** @return the address of {@code syscall; int3} in the scratch area, mapping it if needed; 0 if not to be used */
    long trapSite(TraceeThread via) {
        if (trapIgnored) {
            return 0;
        }
        if (scratch == 0) {
            long r = via.doSyscallAt(syscallSite(), Syscalls.number("mmap"), new long[] {0, SCRATCH_SIZE,
                Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0});
            if (r < 0 && r > -4096) {
                throw ErrnoException.of("remote mmap", (int) -r, "scratch area in task " + pid);
            }
            ByteBuffer code = ByteBuffer.allocateDirect(RemoteCode.bytes().length);
            code.put(RemoteCode.bytes()).flip();
            writeMemory(r, code);
            scratch = r;
            areaSize = SCRATCH_SIZE;
            callersArea = false;
        }
        return scratch;
    }

    /** @return the address of a syscall instruction in the task */
    long syscallSite() {
        if (syscallSite != 0) {
            return syscallSite;
        }
        List<long[]> code = new ArrayList<>();
        long vdso = 0;
        try {
            for (String l : Files.readAllLines(Paths.get("/proc", Integer.toString(memPid()), "maps"))) {
                String[] f = l.split("\\s+");
                String[] range = f[0].split("-");
                long start = Long.parseUnsignedLong(range[0], 16);
                long end = Long.parseUnsignedLong(range[1], 16);
                if (l.endsWith("[vdso]")) {
                    code.add(0, new long[] {start, end});
                    vdso = start;
                } else if (f[1].startsWith("r-x") && !l.endsWith("[vsyscall]")) {
                    code.add(new long[] {start, Math.min(end, start + (1 << 20))});
                }
            }
        } catch (IOException e) {
            throw NoSuchProcessException.gone("open", "/proc/" + pid + "/maps: " + e.getMessage());
        }
        for (long[] area : code) {
            ByteBuffer b = ByteBuffer.allocateDirect((int) (area[1] - area[0]));
            try {
                readMemory(area[0], b);
            } catch (CompelException e) {
                continue;
            }
            b.flip();
            for (int i = 0; i + 1 < b.limit(); i++) {
                if (b.get(i) == 0x0f && b.get(i + 1) == 0x05) {
                    syscallSite = area[0] + i;
                    tracer.log().log(Logger.Level.DEBUG, String.format("task %d: syscall site %#x%s", pid,
                            syscallSite, area[0] == vdso ? " in vdso" : ""));
                    return syscallSite;
                }
            }
        }
        throw new CompelException("no syscall instruction found in task " + pid);
    }

    // ---- memory --------------------------------------------------------------------------

    /**
     * Reads task memory at {@code address} into {@code dst} from its position to its limit
     * (process_vm_readv; /proc/PID/mem for what that cannot read). Advances the position.
     * Works while the task runs too (then the data may be torn).
     *
     * @param dst a direct buffer
     * @return bytes read
     */
    public int readMemory(long address, ByteBuffer dst) {
        int want = dst.remaining();
        long base = Kernel.address(dst) + dst.position();
        long done = 0;
        try {
            done = ProcessVm.readv(memPid(), base, want, address);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EFAULT && e.errno() != Errno.EIO) {
                throw e;
            }
        }
        dst.position(dst.position() + (int) done);
        if (done < want) {
            done += memFile(address + done, dst, false);
        }
        return (int) done;
    }

    /**
     * Writes {@code src} (position to limit) to task memory at {@code address}
     * (process_vm_writev; /proc/PID/mem for read-only pages). Advances the position.
     *
     * @param src a direct buffer
     * @return bytes written
     */
    public int writeMemory(long address, ByteBuffer src) {
        int want = src.remaining();
        long base = Kernel.address(src) + src.position();
        long done = 0;
        try {
            done = ProcessVm.writev(memPid(), base, want, address);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EFAULT && e.errno() != Errno.EIO) {
                throw e;
            }
        }
        src.position(src.position() + (int) done);
        if (done < want) {
            done += memFile(address + done, src, true);
        }
        return (int) done;
    }

    /** @return the 8 bytes at {@code address} in the task */
    public long readLong(long address) {
        synchronized (word) {
            ByteBuffer b = word.getByteBuffer(0, 8).order(ByteOrder.nativeOrder());
            if (readMemory(address, b) != 8) {
                throw ErrnoException.of("process_vm_readv", Errno.EFAULT, String.format("%#x in %d", address, pid));
            }
            return word.getLong(0);
        }
    }

    private synchronized int memFile(long address, ByteBuffer b, boolean write) {
        try {
            if (mem == null) {
                mem = FileChannel.open(Paths.get("/proc", Integer.toString(memPid()), "mem"),
                        StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            int total = 0;
            while (b.hasRemaining()) {
                int n = write ? mem.write(b, address + total) : mem.read(b, address + total);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
            return total;
        } catch (NoSuchFileException e) {
            throw NoSuchProcessException.gone("open", "/proc/" + pid + "/mem");
        } catch (IOException e) {
            throw ErrnoException.of(write ? "pwrite(/proc/PID/mem)" : "pread(/proc/PID/mem)", Errno.EIO,
                    String.format("%#x in %d: %s", address, pid, e.getMessage()));
        }
    }

    // ---- parasite ------------------------------------------------------------------------

    /**
     * Infects the task with the parasite, run by its leader thread.
     *
     * @return the live parasite; cure it (or close it) before resuming
     */
    public Parasite infect() {
        return tracer.call(() -> {
            if (parasite != null) {
                throw new CompelException("task " + pid + " is already infected");
            }
            parasite = Parasite.infect(this, mainThread());
            return parasite;
        });
    }

    // ---- the end -------------------------------------------------------------------------

    /** Detaches every thread, leaving the task as it was found (running or group-stopped). */
    public void resume() {
        detach(AfterDetach.AS_FOUND);
    }

    /**
     * Cures a parasite still in, unmaps the scratch area, and detaches every thread. Signals
     * held meanwhile ({@link TraceeThread#heldSignals()}) are queued again with their siginfo.
     */
    public void detach(AfterDetach after) {
        if (!attached) {
            return;
        }
        tracer.run(() -> {
            if (!attached) {
                return;
            }
            try {
                if (parasite != null) {
                    parasite.cure();
                }
                // every signal blocked while compel still runs code in the threads: none is
                // taken out (and held) any more, the held ones are queued again
                Map<TraceeThread, Long> masks = new LinkedHashMap<>();
                try {
                    for (TraceeThread t : threads.values()) {
                        if (!t.dead && !t.running) {
                            try {
                                long m = t.readSigmask();
                                t.writeSigmask(-1L);
                                masks.put(t, m);
                            } catch (NoSuchProcessException e) {
                                t.dead = true;
                            }
                        }
                    }
                    for (TraceeThread t : masks.keySet()) {
                        try {
                            t.requeueHeld();
                        } catch (RuntimeException e) {
                            tracer.log().log(Logger.Level.WARN, t + ": held signals: " + e.getMessage());
                        }
                    }
                    unmapScratch();
                } finally {
                    for (Map.Entry<TraceeThread, Long> m : masks.entrySet()) {
                        try {
                            m.getKey().writeSigmask(m.getValue());
                        } catch (NoSuchProcessException e) {
                            m.getKey().dead = true;
                        }
                    }
                }
            } finally {
                attached = false;
                closeMem();
                if (after == AfterDetach.RUNNING) {
                    trySignal(Signal.SIGCONT);
                }
                if (after == AfterDetach.STOPPED) {
                    trySignal(Signal.SIGSTOP);
                }
                List<TraceeThread> order = new ArrayList<>(threads.values());
                Collections.reverse(order);
                for (TraceeThread t : order) {
                    t.detach();
                }
            }
        });
        if (ownTracer) {
            tracer.close();
        }
    }

    /** Kills the task (SIGKILL) and collects the exit of every traced thread. */
    public void kill() {
        if (!attached) {
            return;
        }
        tracer.run(() -> {
            attached = false;
            closeMem();
            trySignal(Signal.SIGKILL);
            // the leader's exit is reported after the other threads' are collected: leader last
            List<TraceeThread> order = new ArrayList<>(threads.values());
            Collections.reverse(order);
            for (TraceeThread t : order) {
                while (!t.dead) {
                    try {
                        t.waitStop("kill");
                        Ptrace.cont(t.tid, 0);
                    } catch (NoSuchProcessException e) {
                        t.dead = true;
                    }
                }
            }
        });
        if (ownTracer) {
            tracer.close();
        }
    }

    /** {@link #resume()} if still attached; else nothing. */
    @Override
    public void close() {
        resume();
    }

    private void trySignal(int sig) {
        try {
            Signal.kill(pid, sig);
        } catch (ErrnoException e) {
            tracer.log().log(Logger.Level.WARN, "kill(" + pid + ", " + sig + "): " + e.getMessage());
        }
    }

    private void unmapScratch() {
        if (scratch == 0 || callersArea) {
            return;
        }
        long s = scratch;
        scratch = 0;
        for (TraceeThread t : threads.values()) {
            if (t.dead || t.running) {
                continue;
            }
            try {
                long r = t.doSyscallAt(syscallSite(), Syscalls.number("munmap"), new long[] {s, SCRATCH_SIZE});
                if (r != 0) {
                    tracer.log().log(Logger.Level.WARN, "task " + pid + ": munmap of scratch area failed: " + r);
                }
                return;
            } catch (NoSuchProcessException e) {
                // try another thread
            }
        }
    }

    private void closeMem() {
        if (mem != null) {
            try {
                mem.close();
            } catch (IOException e) {
                // nothing to do
            }
            mem = null;
        }
    }

    @Override
    public String toString() {
        return "task " + pid;
    }
}
