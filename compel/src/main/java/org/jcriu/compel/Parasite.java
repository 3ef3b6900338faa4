package org.jcriu.compel;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.compel.sys.Errno;
import org.jcriu.compel.sys.ErrnoException;
import org.jcriu.compel.sys.Fcntl;
import org.jcriu.compel.sys.Kernel;
import org.jcriu.compel.sys.Mman;
import org.jcriu.compel.sys.NoSuchProcessException;
import org.jcriu.compel.sys.Pidfd;
import org.jcriu.compel.sys.Poll;
import org.jcriu.compel.sys.Ptrace;
import org.jcriu.compel.sys.Socket;
import org.jcriu.compel.sys.Splice;
import org.jcriu.compel.sys.Syscalls;
import org.jcriu.compel.sys.Wait;

/**
 * The parasite running inside an infected task: a small position independent program
 * (native-asm/parasite) run by the task's leader thread, answering compel's requests over a unix
 * SOCK_SEQPACKET socket. Get one from {@link Tracee#infect()}.
 *
 * <p>Infection: a memfd is created in the task (remote syscalls) and taken with pidfd_getfd;
 * compel maps it too, so the blob, the arguments and results are shared memory. The task maps it
 * rwx, closes its memfd, gets one end of a socketpair (compel takes the other with pidfd_getfd),
 * and its leader is pointed at the blob with all signals blocked. A signal frame holding the
 * leader's own registers, mask and FPU state sits in the area: should compel die, the parasite
 * sees its socket close and returns to the task's own code through rt_sigreturn (the mapping then
 * stays behind, nothing else).
 *
 * <p>{@link #cure()} (also {@link #close()}, idempotent) stops the leader, puts its registers and
 * mask back, closes the parasite's socket and any fd handed to the task, and unmaps the area: no
 * mapping, fd, thread, signal or register change is left. While infected, the task's fd table
 * holds one more fd ({@link #socketFd()}) and its maps one more mapping ({@link #areaAddress()}).
 * Not thread safe: one caller at a time (all work runs on the tracer thread anyway).
 */
public final class Parasite implements AutoCloseable {
    static final int PCMD_PING = 1, PCMD_SYSCALL = 2, PCMD_SIGACTIONS = 3, PCMD_ITIMERS = 4,
            PCMD_POSIX_TIMERS = 5, PCMD_CREDS = 6, PCMD_MISC = 7, PCMD_THREAD = 8, PCMD_SEND_FDS = 9,
            PCMD_TAKE_FD = 10, PCMD_CLOSE_FD = 11, PCMD_VMSPLICE = 12, PCMD_VMSPLICE_PIPES = 13;
    static final int PROTO = 2;

    private static final int PAGE = 4096;
    static final int ARGS_SIZE = 512 * 1024;
    private static final int FRAME_SIZE = 64 * 1024;
    private static final int STACK_SIZE = 64 * 1024;
    /** most iovecs one vmsplice request carries */
    public static final int MAX_IOVECS = ARGS_SIZE / 16;
    /** most pipes one {@link #vmspliceToPipes} request fills (SCM_MAX_FD: the fds of one message) */
    public static final int MAX_PIPES = Socket.SCM_MAX_FD;

    private static Blob blob;
    /** SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV, SIGSYS */
    static final long SYNC_SIGNALS = (1L << 3) | (1L << 4) | (1L << 6) | (1L << 7) | (1L << 10) | (1L << 30);

    private final Tracee tracee;
    private final TraceeThread leader;
    private final Tracer tracer;
    private final int pid;
    private final Blob code = blob();
    private final int argsOff = round(code.size);
    private final int frameOff = argsOff + ARGS_SIZE;
    private final int stackOff = frameOff + FRAME_SIZE;
    private final int total = stackOff + STACK_SIZE;

    private int pidfd = -1;
    private int memfd = -1;
    private long local;
    private ByteBuffer area;
    private long remote;
    private int remoteSock = -1;
    private int sock = -1;
    private UserRegs savedRegs;
    private long savedMask;
    private boolean started;
    private boolean cured;
    private int crashed;
    private final List<Integer> remoteFds = new ArrayList<>();
    private int pipeRead = -1;
    private int remotePipe = -1;
    private final Socket.Msg msg = new Socket.Msg();
    private final Memory req = new Memory(40);
    private final Memory rep = new Memory(16);
    private final Memory off = new Memory(8);
    private long lastLen;

    private Parasite(Tracee tracee, TraceeThread leader) {
        this.tracee = tracee;
        this.leader = leader;
        this.tracer = tracee.tracer;
        this.pid = tracee.pid;
    }

    private static int round(int n) {
        return (n + PAGE - 1) & -PAGE;
    }

    // ---- the blob ------------------------------------------------------------------------

    /** The packaged blob: bytes, entry offsets and relocation offsets (from parasite.desc). */
    static final class Blob {
        final byte[] bytes;
        final int size;
        final long entry;
        final long[] relocs;

        Blob(byte[] bytes, int size, long entry, long[] relocs) {
            this.bytes = bytes;
            this.size = size;
            this.entry = entry;
            this.relocs = relocs;
        }
    }

    /**
     * Loads the parasite blob from the class path now rather than at the first {@link
     * Tracee#infect()}: a caller that infects inside a short window (a frozen tree) calls it
     * before. Optional; does nothing the second time.
     */
    public static void preload() {
        blob();
    }

    static synchronized Blob blob() {
        if (blob == null) {
            try (InputStream b = Parasite.class.getResourceAsStream("/org/jcriu/nativeasm/parasite.bin");
                 InputStream d = Parasite.class.getResourceAsStream("/org/jcriu/nativeasm/parasite.desc")) {
                if (b == null || d == null) {
                    throw new CompelException("parasite blob not on the class path (jcriu-native-asm without parasite)");
                }
                byte[] bytes = b.readAllBytes();
                int size = bytes.length;
                long entry = -1;
                List<Long> relocs = new ArrayList<>();
                for (String l : new String(d.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                    String[] f = l.trim().split("\\s+");
                    if (f[0].equals("size")) {
                        size = Integer.parseInt(f[1]);
                    } else if (f[0].equals("entry") && f[1].equals("parasite_entry")) {
                        entry = Long.parseLong(f[2], 16);
                    } else if (f[0].equals("reloc")) {
                        relocs.add(Long.parseLong(f[1], 16));
                    }
                }
                if (entry < 0 || size != bytes.length) {
                    throw new CompelException("bad parasite descriptor");
                }
                blob = new Blob(bytes, size, entry, relocs.stream().mapToLong(Long::longValue).toArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return blob;
    }

    // ---- infection -----------------------------------------------------------------------

    static Parasite infect(Tracee t, TraceeThread leader) {
        if (leader == null || leader.dead) {
            throw NoSuchProcessException.gone("ptrace", "leader of " + t.pid + " is gone");
        }
        Parasite p = new Parasite(t, leader);
        try {
            p.start();
            return p;
        } catch (RuntimeException e) {
            try {
                p.cureNow();
            } catch (RuntimeException e2) {
                e.addSuppressed(e2);
            }
            t.parasite = null;
            throw e;
        }
    }

    private long check(String what, long r) {
        if (r < 0 && r > -4096) {
            throw ErrnoException.of("remote " + what, (int) -r, "task " + pid);
        }
        return r;
    }

    private void start() {
        long scratch = tracee.scratch();
        ByteBuffer name = ByteBuffer.allocateDirect(16);
        name.put("compel".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).flip();
        tracee.writeMemory(scratch, name);
        int rfd = (int) check("memfd_create", leader.doSyscall(Syscalls.number("memfd_create"),
                new long[] {scratch, Mman.MFD_CLOEXEC}));
        try {
            pidfd = tracee.zombieLeader ? Pidfd.open(leader.tid, Pidfd.PIDFD_THREAD) : Pidfd.open(pid);
            memfd = Pidfd.getfd(pidfd, rfd);
            Fcntl.ftruncate(memfd, total);
            local = Mman.mmap(0, total, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, memfd, 0);
            area = Kernel.buffer(local, total);
            remote = check("mmap", leader.doSyscall(Syscalls.number("mmap"), new long[] {0, total,
                Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC, Mman.MAP_SHARED, rfd, 0}));
        } finally {
            leader.doSyscall(Syscalls.CLOSE_NR, new long[] {rfd});
        }
        check("socketpair", leader.doSyscall(Syscalls.number("socketpair"), new long[] {Socket.AF_UNIX,
            Socket.SOCK_SEQPACKET | Socket.SOCK_CLOEXEC, 0, scratch}));
        long pair = tracee.readLong(scratch);
        remoteSock = (int) pair;
        int other = (int) (pair >>> 32);
        try {
            sock = Pidfd.getfd(pidfd, other);
            Socket.setReceiveTimeout(sock, 200);
        } finally {
            leader.doSyscall(Syscalls.CLOSE_NR, new long[] {other});
        }

        // the blob, relocated for where the task sees it
        area.put(0, code.bytes);
        for (long r : code.relocs) {
            area.putLong((int) r, area.getLong((int) r) + remote);
        }

        savedRegs = UserRegs.read(regsNow());
        savedMask = leader.readSigmask();
        writeFrame(savedRegs, savedMask, leader.getXState());

        UserRegs run = savedRegs.copy();
        run.rip(remote + code.entry).rsp(remote + stackOff + STACK_SIZE - 64)
                .rdi(remoteSock).rsi(remote + argsOff).rdx(remote + frameOff).rax(0).origRax(-1);
        // everything blocked but the synchronous faults: blocked, a fault would reset the task's
        // handler to SIG_DFL (force_sig); unblocked, it stops the thread for compel to see
        leader.writeSigmask(~SYNC_SIGNALS);
        leader.setRegs(run);
        leader.regsChanged();
        started = true;
        Ptrace.cont(leader.tid, 0);
        leader.running = true;
        long v = command(PCMD_PING, 0, 0, 0, 0, -1);
        if (v != PROTO) {
            throw new CompelException("parasite in task " + pid + " answered " + v + " to ping, expected " + PROTO);
        }
    }

    private Pointer regsNow() {
        Memory m = new Memory(UserRegs.SIZE);
        Ptrace.getRegs(leader.tid, Pointer.nativeValue(m));
        return m;
    }

    /**
     * The rt_sigframe the parasite returns through if compel goes away. Layout (x86-64):
     * pretcode at 0; ucontext at 8 (uc_flags, uc_link, uc_stack at +16, sigcontext at +40,
     * uc_sigmask at +296); siginfo at 312; the XSAVE area at 512 (64-byte aligned).
     */
    private void writeFrame(UserRegs r, long mask, XState xs) {
        int f = frameOff;
        for (int i = 0; i < 512; i += 8) {
            area.putLong(f + i, 0);
        }
        area.putLong(f + 8, 1 | 2 | 4); // UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS
        long rax = r.rax();
        long rip = r.rip();
        if (r.origRax() >= 0) {
            // what the kernel would do on resume: sigreturn disables syscall restart
            if (rax == -Errno.ERESTARTSYS || rax == -Errno.ERESTARTNOINTR || rax == -Errno.ERESTARTNOHAND) {
                rax = r.origRax();
                rip -= 2;
            } else if (rax == -Errno.ERESTART_RESTARTBLOCK) {
                // rt_sigreturn resets the restart block: such a call ends with EINTR
                rax = -Errno.EINTR;
            }
        }
        int sc = f + 48;
        long[] v = {r.r8(), r.r9(), r.r10(), r.r11(), r.r12(), r.r13(), r.r14(), r.r15(), r.rdi(), r.rsi(),
            r.rbp(), r.rbx(), r.rdx(), rax, r.rcx(), r.rsp(), rip, r.eflags()};
        for (int i = 0; i < v.length; i++) {
            area.putLong(sc + 8 * i, v[i]);
        }
        area.putShort(sc + 144, (short) r.cs());
        area.putShort(sc + 150, (short) r.ss());
        area.putLong(f + 304, mask);
        byte[] x = xs.bytes();
        int fp = f + 512;
        area.put(fp, x);
        int size = x.length;
        if (size > 576 && size + 4 <= FRAME_SIZE - 512) {
            // struct _fpx_sw_bytes: magic1, extended_size, xfeatures (the parasite fills it
            // with XCR0), xstate_size; and magic2 right after the XSAVE area
            area.putInt(fp + 464, XState.FP_XSTATE_MAGIC1);
            area.putInt(fp + 468, size + 4);
            area.putInt(fp + 480, size);
            area.putInt(fp + size, XState.FP_XSTATE_MAGIC2);
        }
        area.putLong(sc + 184, remote + fp);
    }

    // ---- commands ------------------------------------------------------------------------

    /** Sends one request and waits for its reply; the result's bytes are in the args area. */
    private long command(int cmd, long a0, long a1, long a2, long a3, int passFd) {
        request(cmd, a0, a1, a2, a3);
        send(passFd);
        return reply();
    }

    /** Fills in the next request (not sent yet). */
    private void request(int cmd, long a0, long a1, long a2, long a3) {
        if (cured) {
            throw new CompelException("parasite of task " + pid + " is cured");
        }
        if (crashed != 0) {
            throw new CompelException("parasite of task " + pid + " died with signal " + crashed + "; cure it");
        }
        req.setInt(0, cmd);
        req.setInt(4, 0);
        req.setLong(8, a0);
        req.setLong(16, a1);
        req.setLong(24, a2);
        req.setLong(32, a3);
    }

    private void send(int passFd) {
        send(passFd >= 0 ? new int[] {passFd} : null, passFd >= 0 ? 1 : 0);
    }

    private void send(int[] fds, int nfds) {
        try {
            msg.send(sock, Pointer.nativeValue(req), 40, fds, 0, nfds);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EPIPE || e.errno() == 104 /* ECONNRESET */) {
                watchLeader();
                throw NoSuchProcessException.gone("sendmsg", "parasite of task " + pid + " hung up");
            }
            throw e;
        }
    }

    private long reply() {
        long n;
        while (true) {
            try {
                // blocking, with SO_RCVTIMEO: on timeout see what the leader is up to
                n = msg.receive(sock, Pointer.nativeValue(rep), 16, 0);
                break;
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EAGAIN) {
                    watchLeader();
                    continue;
                }
                if (e.errno() != 104 /* ECONNRESET */) {
                    throw e;
                }
                n = 0;
                break;
            }
        }
        if (n == 0) {
            watchLeader();
            throw NoSuchProcessException.gone("recvmsg", "parasite of task " + pid + " hung up");
        }
        lastLen = rep.getLong(8);
        return rep.getLong(0);
    }

    /** While the leader runs the parasite: pass on stops (keeping signals), notice its death. */
    private void watchLeader() {
        long r = leader.pollStatus();
        if (r < 0) {
            return;
        }
        int st = (int) r;
        if (!Wait.WIFSTOPPED(st)) {
            leader.dead = true;
            leader.running = false;
            throw NoSuchProcessException.gone("waitpid", "task " + pid + " " + Wait.describe(st) + " in the parasite");
        }
        int sig = Wait.WSTOPSIG(st);
        if (Wait.ptraceEvent(st) == 0 && (SYNC_SIGNALS & org.jcriu.compel.sys.Signal.bit(sig)) != 0) {
            // the parasite faulted: the leader stays stopped here, cure() puts it back
            leader.running = false;
            crashed = sig;
            throw new CompelException("parasite in task " + pid + " died with signal " + sig
                    + String.format(" at %#x", UserRegs.read(regsNow()).rip()));
        }
        if (Wait.ptraceEvent(st) == 0 && sig != org.jcriu.compel.sys.Signal.SIGTRAP) {
            leader.hold(sig);
        }
        Ptrace.cont(leader.tid, 0);
    }

    private long run(int cmd, long a0, long a1, long a2, long a3) {
        return tracer.call(() -> command(cmd, a0, a1, a2, a3, -1));
    }

    private ByteBuffer args() {
        return area.duplicate().order(ByteOrder.nativeOrder()).position(argsOff).slice().order(ByteOrder.nativeOrder());
    }

    private void ok(String what, long r) {
        if (r < 0) {
            throw ErrnoException.of("parasite " + what, (int) -r, "task " + pid);
        }
    }

    /** @return the protocol version, after a round trip through the parasite */
    public int ping() {
        return (int) run(PCMD_PING, 0, 0, 0, 0);
    }

    /**
     * Runs a syscall inside the task from the parasite (no ptrace stop).
     *
     * @return the raw result, -errno on failure
     */
    public long syscall(int nr, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("a syscall takes at most 6 arguments");
        }
        return tracer.call(() -> {
            for (int i = 0; i < 6; i++) {
                area.putLong(argsOff + 8 * i, i < args.length ? args[i] : 0);
            }
            return command(PCMD_SYSCALL, nr, 0, 0, 0, -1);
        });
    }

    /** @return the disposition of every signal 1..64 */
    public List<Sigaction> sigactions() {
        return tracer.call(() -> {
            ok("sigactions", command(PCMD_SIGACTIONS, 0, 0, 0, 0, -1));
            ByteBuffer b = args();
            List<Sigaction> l = new ArrayList<>(64);
            for (int i = 0; i < 64; i++) {
                l.add(new Sigaction(i + 1, b.getLong(), b.getLong(), b.getLong(), b.getLong()));
            }
            return l;
        });
    }

    /** @return ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF */
    public List<ITimer> itimers() {
        return tracer.call(() -> {
            ok("itimers", command(PCMD_ITIMERS, 0, 0, 0, 0, -1));
            ByteBuffer b = args();
            List<ITimer> l = new ArrayList<>(3);
            for (int i = 0; i < 3; i++) {
                l.add(new ITimer(i, b.getLong(), b.getLong(), b.getLong(), b.getLong()));
            }
            return l;
        });
    }

    /** @return every POSIX timer of the task (ids from /proc/PID/timers, state from inside) */
    public List<PosixTimer> posixTimers() {
        List<String[]> procs = procTimers();
        return tracer.call(() -> {
            List<PosixTimer> l = new ArrayList<>();
            if (procs.isEmpty()) {
                return l;
            }
            for (int i = 0; i < procs.size(); i++) {
                area.putInt(argsOff + 4 * i, Integer.parseInt(procs.get(i)[0]));
            }
            ok("posix timers", command(PCMD_POSIX_TIMERS, procs.size(), 0, 0, 0, -1));
            ByteBuffer b = args();
            for (String[] p : procs) {
                int id = b.getInt();
                int overrun = b.getInt();
                l.add(new PosixTimer(id, Integer.parseInt(p[1]), p[2], Integer.parseInt(p[3]), overrun,
                        b.getLong(), b.getLong(), b.getLong(), b.getLong()));
            }
            return l;
        });
    }

    /** id, signal, notify, clock of each timer in /proc/PID/timers. */
    private List<String[]> procTimers() {
        List<String[]> l = new ArrayList<>();
        try {
            String id = null, sig = null, notify = null;
            for (String line : Files.readAllLines(Paths.get("/proc", Integer.toString(tracee.memPid()), "timers"))) {
                String[] kv = line.split(":", 2);
                String v = kv.length > 1 ? kv[1].trim() : "";
                switch (kv[0]) {
                    case "ID": id = v; break;
                    case "signal": sig = v.split("/")[0]; break;
                    case "notify": notify = v; break;
                    case "ClockID":
                        l.add(new String[] {id, sig, notify, v});
                        break;
                    default:
                        break;
                }
            }
        } catch (IOException e) {
            throw NoSuchProcessException.gone("open", "/proc/" + pid + "/timers");
        }
        return l;
    }

    /** @return the task's credentials */
    public Creds creds() {
        return tracer.call(() -> {
            ok("creds", command(PCMD_CREDS, 0, 0, 0, 0, -1));
            ByteBuffer b = args();
            int[] ids = new int[8];
            for (int i = 0; i < 8; i++) {
                ids[i] = b.getInt();
            }
            int[] caps = new int[6];
            for (int i = 0; i < 6; i++) {
                caps[i] = b.getInt();
            }
            long bnd = b.getLong();
            long amb = b.getLong();
            int secbits = b.getInt();
            int nnp = b.getInt();
            int ngroups = b.getInt();
            b.getInt();
            int[] groups = new int[ngroups];
            for (int i = 0; i < ngroups; i++) {
                groups[i] = b.getInt();
            }
            return new Creds(ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], groups,
                    (caps[0] & 0xffffffffL) | ((long) caps[1] << 32), (caps[2] & 0xffffffffL) | ((long) caps[3] << 32),
                    (caps[4] & 0xffffffffL) | ((long) caps[5] << 32), bnd, amb, secbits, nnp != 0);
        });
    }

    /** @return personality, umask, comm, pdeath signal, dumpable and ids */
    public TaskMisc misc() {
        return tracer.call(() -> {
            ok("misc", command(PCMD_MISC, 0, 0, 0, 0, -1));
            ByteBuffer b = args();
            int pers = b.getInt();
            int umask = b.getInt();
            byte[] comm = new byte[16];
            b.get(comm);
            int n = 0;
            while (n < 16 && comm[n] != 0) {
                n++;
            }
            int pdeath = b.getInt();
            int dumpable = b.getInt();
            int ppid0 = b.getInt(), tid = b.getInt(), ppid = b.getInt(), sid = b.getInt(), pgid = b.getInt();
            int sub = b.getInt();
            long slack = b.getLong();
            int thp = b.getInt();
            return new TaskMisc(pers, umask, new String(comm, 0, n, StandardCharsets.UTF_8), pdeath, dumpable,
                    ppid0, tid, ppid, sid, pgid, sub != 0, slack, thp > 0);
        });
    }

    /**
     * Sigaltstack and clear_tid address of every thread: the leader's from the parasite, the
     * others' by remote syscalls in each (they are stopped).
     */
    public List<ThreadMisc> threads() {
        return tracer.call(() -> {
            List<ThreadMisc> l = new ArrayList<>();
            ok("thread", command(PCMD_THREAD, 0, 0, 0, 0, -1));
            ByteBuffer b = args();
            l.add(new ThreadMisc(b.getInt(32), b.getLong(0), b.getInt(8), b.getLong(16), b.getLong(24)));
            long s = tracee.scratch();
            ByteBuffer tmp = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
            for (TraceeThread t : tracee.threads.values()) {
                if (t == leader || t.dead) {
                    continue;
                }
                ok("sigaltstack", t.doSyscall(Syscalls.number("sigaltstack"), new long[] {0, s}));
                ok("prctl", t.doSyscall(Syscalls.PRCTL_NR, new long[] {org.jcriu.compel.sys.Prctl.PR_GET_TID_ADDRESS, s + 24}));
                tmp.clear();
                tracee.readMemory(s, tmp);
                l.add(new ThreadMisc(t.tid, tmp.getLong(0), tmp.getInt(8), tmp.getLong(16), tmp.getLong(24)));
            }
            return l;
        });
    }

    /**
     * Copies of the task's fds, sent by the parasite over SCM_RIGHTS.
     *
     * @param fds fd numbers in the task
     * @return the copies in this process, same order (close-on-exec; the caller closes them)
     * @throws ErrnoException EBADF if one of them is not open in the task
     */
    public int[] fds(int... fds) {
        return tracer.call(() -> {
            int[] out = new int[fds.length];
            for (int at = 0; at < fds.length; at += Socket.SCM_MAX_FD) {
                int n = Math.min(Socket.SCM_MAX_FD, fds.length - at);
                for (int i = 0; i < n; i++) {
                    area.putInt(argsOff + 4 * i, fds[at + i]);
                }
                long r = command(PCMD_SEND_FDS, n, 0, 0, 0, -1);
                if (msg.fdCount() != n) {
                    for (int i = 0; i < msg.fdCount(); i++) {
                        Fcntl.closeQuietly(msg.fd(i));
                    }
                    for (int i = 0; i < at; i++) {
                        Fcntl.closeQuietly(out[i]);
                    }
                    ok("send fds", r < 0 ? r : -Errno.EBADF);
                }
                for (int i = 0; i < n; i++) {
                    out[at + i] = msg.fd(i);
                }
            }
            return out;
        });
    }

    /**
     * Gives the task a copy of one of our fds (held by the parasite, closed at cure).
     *
     * @return its number in the task
     */
    public int giveFd(int fd) {
        return tracer.call(() -> {
            long r = command(PCMD_TAKE_FD, 0, 0, 0, 0, fd);
            ok("take fd", r);
            remoteFds.add((int) r);
            return (int) r;
        });
    }

    /**
     * Writes the given ranges of task memory into {@code out} without copying them through this
     * process: the parasite vmsplices them into a pipe, compel splices the pipe into {@code out}.
     *
     * @param addrs start of each range (task addresses)
     * @param lens length of each range
     * @param n how many ranges
     * @param out a file (or pipe, socket) fd of this process
     * @param offset file offset to write at, or -1 for the fd's own position (needed for pipes)
     * @return bytes written
     */
    public long dumpPages(long[] addrs, long[] lens, int n, int out, long offset) {
        return tracer.call(() -> {
            ensurePipe();
            long done = 0;
            long pos = offset;
            for (int at = 0; at < n; at += MAX_IOVECS) {
                int cnt = Math.min(MAX_IOVECS, n - at);
                long want = 0;
                for (int i = 0; i < cnt; i++) {
                    area.putLong(argsOff + 16 * i, addrs[at + i]);
                    area.putLong(argsOff + 16 * i + 8, lens[at + i]);
                    want += lens[at + i];
                }
                req.setInt(0, PCMD_VMSPLICE);
                req.setLong(8, remotePipe);
                req.setLong(16, cnt);
                req.setLong(24, 0);
                send(-1);
                long moved = 0;
                long result = Long.MIN_VALUE;
                while (true) {
                    if (result != Long.MIN_VALUE && moved >= Math.max(result, 0)) {
                        break;
                    }
                    int ready = Poll.pollIn2(pipeRead, sock, 200);
                    if (ready == 0) {
                        watchLeader();
                        continue;
                    }
                    if ((ready & 1) != 0) {
                        long m;
                        if (pos >= 0) {
                            off.setLong(0, pos);
                            m = Splice.splice(pipeRead, 0, out, Pointer.nativeValue(off), want - moved, Splice.SPLICE_F_MOVE);
                            pos = off.getLong(0);
                        } else {
                            m = Splice.splice(pipeRead, 0, out, 0, want - moved, Splice.SPLICE_F_MOVE);
                        }
                        moved += m;
                    } else if ((ready & 2) != 0 && result == Long.MIN_VALUE) {
                        result = reply();
                    }
                }
                ok("vmsplice", result);
                done += moved;
                if (result < want) {
                    throw ErrnoException.of("parasite vmsplice", Errno.EFAULT,
                            "task " + pid + ": " + result + " of " + want + " bytes");
                }
            }
            return done;
        });
    }

    /**
     * Pins task memory in pipes of the caller's with one request, no copy: the pipes' write ends
     * go to the task with the request (SCM_RIGHTS), and the parasite vmsplices the ranges, in
     * order and without blocking, into the first pipe until it holds {@code pipeBytes} or is
     * full, then into the next, and closes the task's copies before it answers. The pipes then
     * hold references to the task's pages: what the task writes into those pages later shows in
     * the pipes (the caller keeps the task stopped, or takes the copy first). Nothing waits on the
     * caller meanwhile, so nobody has to drain the pipes while the parasite runs: one round trip
     * pins as much as the pipes hold (253 pipes of 1 MiB without CAP_SYS_RESOURCE).
     *
     * <p>The caller keeps the read ends open until the answer: a pipe without a reader would
     * give the task a SIGPIPE (the parasite takes back one it caused, should compel die).
     *
     * @param pipes write ends of pipes of this process (compel neither closes nor keeps them)
     * @param npipes how many of {@code pipes} to use, at most {@link #MAX_PIPES}
     * @param pipeBytes most bytes to put into one pipe (its size, as F_GETPIPE_SZ says)
     * @param addrs start of each range (task addresses; page-aligned ranges fill whole slots)
     * @param lens length of each range
     * @param n how many ranges, at most {@link #MAX_IOVECS}
     * @return what each pipe got, and why the fill stopped short if it did
     */
    public PipeFill vmspliceToPipes(int[] pipes, int npipes, long pipeBytes, long[] addrs, long[] lens, int n) {
        if (npipes < 1 || npipes > MAX_PIPES || npipes > pipes.length) {
            throw new IllegalArgumentException("between 1 and " + MAX_PIPES + " pipes, not " + npipes);
        }
        if (n < 0 || n > MAX_IOVECS || n > addrs.length || n > lens.length) {
            throw new IllegalArgumentException("at most " + MAX_IOVECS + " ranges, not " + n);
        }
        return tracer.call(() -> {
            request(PCMD_VMSPLICE_PIPES, n, pipeBytes, 0, 0); // throws if cured: the area is gone then
            for (int i = 0; i < n; i++) {
                area.putLong(argsOff + 16 * i, addrs[i]);
                area.putLong(argsOff + 16 * i + 8, lens[i]);
            }
            send(pipes, npipes);
            long total = reply();
            ok("vmsplice to pipes", total);
            int taken = (int) (lastLen / 8 - 1);
            if (taken < 0 || taken > npipes) {
                throw new CompelException("parasite in task " + pid + " answered " + lastLen + " bytes to vmsplice to pipes");
            }
            long[] per = new long[npipes];
            for (int k = 0; k < taken; k++) {
                per[k] = area.getLong(argsOff + 8 * k);
            }
            long err = area.getLong(argsOff + 8 * taken);
            return new PipeFill(total, per, taken, (int) -err);
        });
    }

    private void ensurePipe() {
        if (pipeRead >= 0) {
            return;
        }
        int[] p = Fcntl.pipe2(Fcntl.O_CLOEXEC);
        try {
            for (int size : new int[] {16 << 20, 4 << 20, 1 << 20}) {
                try {
                    Splice.setPipeSize(p[1], size);
                    break;
                } catch (ErrnoException e) {
                    // try smaller
                }
            }
            long r = command(PCMD_TAKE_FD, 0, 0, 0, 0, p[1]);
            ok("take fd", r);
            remotePipe = (int) r;
            remoteFds.add(remotePipe);
            pipeRead = p[0];
        } finally {
            Fcntl.closeQuietly(p[1]);
            if (pipeRead < 0) {
                Fcntl.closeQuietly(p[0]);
            }
        }
    }

    // ---- facts ---------------------------------------------------------------------------

    /** @return the parasite's socket fd in the task (to be skipped when listing the task's fds) */
    public int socketFd() {
        return remoteSock;
    }

    /** @return where the parasite's mapping is in the task (to be skipped when listing vmas) */
    public long areaAddress() {
        return remote;
    }

    /** @return the size of the parasite's mapping */
    public long areaSize() {
        return total;
    }

    /** @return the task */
    public Tracee tracee() {
        return tracee;
    }

    // ---- cure ----------------------------------------------------------------------------

    /**
     * Removes every trace of the parasite: stops the leader, restores its registers and signal
     * mask, closes the parasite's fds in the task, unmaps the area, releases compel's side.
     * Idempotent.
     */
    public void cure() {
        if (cured) {
            return;
        }
        tracer.run(this::cureNow);
    }

    void cureNow() {
        if (cured) {
            return;
        }
        cured = true;
        RuntimeException failure = null;
        try {
            if (started && !leader.dead) {
                if (leader.running) {
                    Ptrace.interrupt(leader.tid);
                    while (true) {
                        int st = leader.waitStop("cure");
                        if (Wait.ptraceEvent(st) == Ptrace.PTRACE_EVENT_STOP) {
                            break;
                        }
                        if (Wait.ptraceEvent(st) == 0 && Wait.WSTOPSIG(st) != org.jcriu.compel.sys.Signal.SIGTRAP) {
                            leader.hold(Wait.WSTOPSIG(st));
                        }
                        Ptrace.cont(leader.tid, 0);
                    }
                    leader.running = false;
                }
                Memory m = new Memory(UserRegs.SIZE);
                savedRegs.write(m);
                Ptrace.setRegs(leader.tid, Pointer.nativeValue(m));
                leader.regsChanged();
                leader.writeSigmask(savedMask);
            }
            if (!leader.dead && tracee.attached) {
                for (int fd : remoteFds) {
                    leader.doSyscall(Syscalls.CLOSE_NR, new long[] {fd});
                }
                if (remoteSock >= 0) {
                    leader.doSyscall(Syscalls.CLOSE_NR, new long[] {remoteSock});
                }
                if (remote != 0) {
                    check("munmap", leader.doSyscall(Syscalls.number("munmap"), new long[] {remote, total}));
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            leader.running = false;
            if (local != 0) {
                Mman.munmap(local, total);
                local = 0;
            }
            Fcntl.closeQuietly(memfd);
            Fcntl.closeQuietly(sock);
            Fcntl.closeQuietly(pidfd);
            Fcntl.closeQuietly(pipeRead);
            memfd = sock = pidfd = pipeRead = -1;
            if (tracee.parasite == this) {
                tracee.parasite = null;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@link #cure()}. */
    @Override
    public void close() {
        cure();
    }
}
