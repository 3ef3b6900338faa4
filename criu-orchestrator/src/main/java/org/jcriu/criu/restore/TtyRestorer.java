package org.jcriu.criu.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;
import org.jcriu.criu.proc.ProcStat;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Fd;
import org.jcriu.criu.sys.Tty;
import org.jcriu.criu.sys.TtyInput;
import org.jcriu.criu.sys.TtyOutput;
import org.jcriu.criu.util.Log;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.TermiosEntry;
import org.jcriu.images.proto.TtyDataEntry;
import org.jcriu.images.proto.TtyFileEntry;
import org.jcriu.images.proto.TtyInfoEntry;

/**
 * Pseudo-terminals of the images, made again by the orchestrator before the
 * tree exists: per saved pty a new /dev/ptmx (its index may differ from the
 * saved one, as CRIU allows for ptys), unlocked, each saved slave description
 * opened through TIOCGPTPEER, termios and winsize set, the output the master
 * had not read and the input the slave had not read put back ({@link TtyOutput},
 * {@link TtyInput}), then locked termios, packet and exclusive mode and the pty
 * lock set again. Tasks take their fds from us with
 * pidfd_getfd (the {@code "file:ID"} entries of {@link FdRestorer.Shared#where}),
 * so one description stays shared as it was.
 *
 * <p>Call order: {@link #open}, {@link #handOver}; while the tree is built,
 * {@link #claimCtty} in each session leader right after its setsid() (so its
 * children inherit the controlling terminal); once every group exists,
 * {@link #foreground}; once every task has its fds, {@link #shellForeground};
 * {@link #close} always (our copies only: the tasks keep theirs).
 *
 * <p>A slave whose master was outside the dumped tree (a shell job's
 * terminal) is replaced, with --shell-job, by the terminal criu restore runs
 * on (its stdin), opened again with each saved description's flags.
 */
final class TtyRestorer implements AutoCloseable {
    private static final int NR_ioctl = 16, NR_close = 3, NR_pidfd_open = 434, NR_pidfd_getfd = 438;
    private static final int O_CREAT = 0100, O_EXCL = 0200, O_TRUNC = 01000;

    /** One saved pty made again: our master, our slave descriptions, the saved infos. */
    private static final class Pty {
        final TtyInfoEntry master, slave;
        Fd masterFd;
        long masterFile = -1;
        final List<Fd> slaves = new ArrayList<>();
        /** a slave of ours for TIOCSCTTY and TIOCSPGRP in the session leader */
        Fd ctty;
        /** output the master had not read (tty-data.img, under the master's id) */
        byte[] output;
        /** keystrokes of input the slave had not read (tty-data.img, under the slave's id) */
        byte[] input;

        Pty(TtyInfoEntry master, TtyInfoEntry slave) {
            this.master = master;
            this.slave = slave;
        }
    }

    private final int self = (int) ProcessHandle.current().pid();
    private final boolean shellJob;
    /** by saved pty index */
    private final Map<Integer, Pty> ptys = new LinkedHashMap<>();
    /** files.img id -> our fd (number) */
    private final Map<Long, Integer> handed = new LinkedHashMap<>();
    private boolean stdinUsed;
    /** our opens of criu's terminal standing in for shell terminals */
    private final List<Fd> external = new ArrayList<>();

    private TtyRestorer(boolean shellJob) {
        this.shellJob = shellJob;
    }

    /** Reads tty-info.img and the tty entries of files.img and makes every pty; nothing if there are none. */
    static TtyRestorer open(Path dir, boolean shellJob) throws RestoreException {
        TtyRestorer r = new TtyRestorer(shellJob);
        long t0 = System.nanoTime();
        try {
            r.make(dir);
            if (!r.handed.isEmpty()) {
                Log.get().log(Log.DEBUG, r.ptys.size() + " pty(s), " + r.handed.size() + " terminal description(s) made in "
                        + (System.nanoTime() - t0) / 1000 + " us");
            }
        } catch (RestoreException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void make(Path dir) throws RestoreException {
        List<TtyFileEntry> files = new ArrayList<>();
        Path filesImg = dir.resolve("files.img");
        if (!Files.exists(filesImg)) return;
        try (ImageReader in = ImageReader.open(filesImg, ImageType.FILES)) {
            for (FileEntry f; (f = in.next(FileEntry.parser())) != null; ) {
                if (f.getType() != FdTypes.TTY) continue;
                if (!f.hasTty()) throw new RestoreException("image files.img is corrupt: tty id " + f.getId() + " has no tty entry");
                files.add(f.getTty());
            }
        } catch (ImageException e) {
            throw new RestoreException("image files.img: " + e.getMessage());
        }
        if (files.isEmpty()) return;
        Map<Integer, TtyInfoEntry> infos = new LinkedHashMap<>();
        Path infoImg = dir.resolve("tty-info.img");
        if (!Files.exists(infoImg)) throw new RestoreException("image tty-info.img is missing (files.img has terminals)");
        try (ImageReader in = ImageReader.open(infoImg, ImageType.TTY_INFO)) {
            for (TtyInfoEntry e; (e = in.next(TtyInfoEntry.parser())) != null; ) infos.put(e.getId(), e);
        } catch (ImageException e) {
            throw new RestoreException("image tty-info.img: " + e.getMessage());
        }
        Path dataImg = dir.resolve("tty-data.img");
        Map<Integer, byte[]> queued = new java.util.HashMap<>();
        if (Files.exists(dataImg)) {
            try (ImageReader in = ImageReader.open(dataImg, ImageType.TTY_DATA)) {
                for (TtyDataEntry e; (e = in.next(TtyDataEntry.parser())) != null; ) queued.put(e.getTtyId(), e.getData().toByteArray());
            } catch (ImageException e) {
                throw new RestoreException("image tty-data.img: " + e.getMessage());
            }
        }
        // sides are told apart by rdev and paired by pty index, not by an id convention
        Map<Integer, TtyInfoEntry> slaveByIndex = new java.util.HashMap<>();
        for (TtyInfoEntry e : infos.values()) {
            if (e.getType() != org.jcriu.images.proto.TtyType.PTY || !e.hasPty()) {
                throw new RestoreException("image tty-info.img: tty " + e.getId() + " is of type " + e.getType()
                        + ", not supported yet (only ptys)");
            }
            if (e.getRdev() != (Tty.TTYAUX_MAJOR << 8 | 2)) slaveByIndex.putIfAbsent(e.getPty().getIndex(), e);
        }
        for (TtyInfoEntry e : infos.values()) {
            int index = e.getPty().getIndex();
            boolean master = e.getRdev() == (Tty.TTYAUX_MAJOR << 8 | 2);
            if (master) {
                Pty p = new Pty(e, slaveByIndex.get(index));
                // bytes read from one side go back into the other: output to the master, input to the slave
                p.output = queued.get(e.getId());
                if (p.slave != null) p.input = queued.get(p.slave.getId());
                ptys.put(index, p);
            }
        }
        try {
            // masters first: a slave is opened through its master
            for (TtyFileEntry f : files) {
                TtyInfoEntry info = info(infos, f);
                Pty p = ptys.get(info.getPty().getIndex());
                if (info.getRdev() != (Tty.TTYAUX_MAJOR << 8 | 2)) continue;
                if (p.masterFd != null) {
                    throw new RestoreException("files.img ids " + p.masterFile + " and " + f.getId() + " are two open files of"
                            + " the master of pty " + info.getPty().getIndex() + "; not supported");
                }
                p.masterFd = Fd.open("/dev/ptmx", openFlags(f));
                p.masterFile = f.getId();
                handed.put((long) f.getId(), p.masterFd.fd());
                Tty.setInt(p.masterFd.fd(), Tty.TIOCSPTLCK, 0, "TIOCSPTLCK");
                Log.get().log(Log.DEBUG, "pty " + info.getPty().getIndex() + " is now pty "
                        + Tty.getInt(p.masterFd.fd(), Tty.TIOCGPTN, "TIOCGPTN"));
            }
            for (Pty p : ptys.values()) {
                if (p.masterFd == null) throw new RestoreException("image tty-info.img: pty " + p.master.getPty().getIndex()
                        + " has a master no fd of files.img opens");
            }
            for (TtyFileEntry f : files) {
                TtyInfoEntry info = info(infos, f);
                if (info.getRdev() == (Tty.TTYAUX_MAJOR << 8 | 2)) continue;
                Pty p = ptys.get(info.getPty().getIndex());
                if (p == null) {
                    handed.put((long) f.getId(), externalSlave(f, info));
                    continue;
                }
                Fd s = peer(p, openFlags(f));
                p.slaves.add(s);
                handed.put((long) f.getId(), s.fd());
            }
            for (Pty p : ptys.values()) setUp(p);
        } catch (Errno e) {
            throw new RestoreException("pseudo-terminals: " + e.getMessage(), e.errno(), e);
        }
    }

    private static TtyInfoEntry info(Map<Integer, TtyInfoEntry> infos, TtyFileEntry f) throws RestoreException {
        TtyInfoEntry i = infos.get(f.getTtyInfoId());
        if (i == null) {
            throw new RestoreException("image files.img: tty id " + f.getId() + " refers to tty " + f.getTtyInfoId()
                    + ", missing from tty-info.img");
        }
        return i;
    }

    /** The saved open flags, never making the pty our controlling terminal, close-on-exec here. */
    private static int openFlags(TtyFileEntry f) {
        return (f.getFlags() & ~(Tty.O_CLOEXEC | O_CREAT | O_EXCL | O_TRUNC)) | Tty.O_NOCTTY | Tty.O_CLOEXEC;
    }

    private static Fd peer(Pty p, int flags) throws Errno {
        return new Fd(Tty.call(p.masterFd.fd(), Tty.TIOCGPTPEER, flags, "TIOCGPTPEER"));
    }

    /** A shell's terminal (master outside the tree): with --shell-job, criu's stdin takes its place. */
    private int externalSlave(TtyFileEntry f, TtyInfoEntry info) throws RestoreException {
        String what = "files.img id " + f.getId() + " is /dev/pts/" + info.getPty().getIndex()
                + ", a terminal whose master was outside the dumped tree";
        if (!shellJob) throw new RestoreException(what + "; restore it with --shell-job (from a terminal)");
        try {
            Tty.termios(0, false);
        } catch (Errno e) {
            throw new RestoreException(what + ": --shell-job gives it criu's own terminal, but criu's stdin is not"
                    + " a terminal (" + e.getMessage() + ")");
        }
        stdinUsed = true;
        // a new open of that terminal, not a dup of stdin: the saved access mode and flags, which stdin may lack
        try {
            Fd s = Fd.open("/proc/self/fd/0", openFlags(f));
            external.add(s);
            return s.fd();
        } catch (Errno e) {
            throw new RestoreException(what + ": cannot open criu's terminal (stdin) again for it: " + e.getMessage(),
                    e.errno(), e);
        }
    }

    /**
     * termios and winsize (through the master: they are the slave's), the bytes in flight, then
     * the locked termios (after: the input is typed under other termios), modes and the lock.
     */
    private void setUp(Pty p) throws Errno {
        int m = p.masterFd.fd();
        TtyInfoEntry s = p.slave != null ? p.slave : p.master;
        if (s.hasTermios()) Tty.setTermios(m, termios(s.getTermios()), false);
        if (s.hasWinsize()) {
            Tty.setWinsize(m, new Tty.Winsize(s.getWinsize().getWsRow(), s.getWinsize().getWsCol(),
                    s.getWinsize().getWsXpixel(), s.getWinsize().getWsYpixel()));
        }
        if (p.output != null) TtyOutput.put(m, p.output);
        if (p.input != null && p.input.length > 0) {
            Tty.Termios t = Tty.termios(m, false);
            if (!TtyInput.handled(t)) {
                Log.warn("pty " + s.getPty().getIndex() + ": " + p.input.length + " byte(s) of input not restored (EXTPROC mode)");
            } else {
                try (Fd w = peer(p, Tty.O_RDWR | Tty.O_NOCTTY | Tty.O_CLOEXEC)) {
                    TtyInput.type(w.fd(), t, p.input);
                }
            }
        }
        if (s.hasTermiosLocked()) Tty.setTermios(m, termios(s.getTermiosLocked()), true);
        // after the data: packet mode adds a status byte to reads, and termios changes could queue one
        if (p.master.getPacketMode()) Tty.setInt(m, Tty.TIOCPKT, 1, "TIOCPKT");
        if (p.slave != null && p.slave.hasUid() && p.slave.hasGid() && !p.slaves.isEmpty()) {
            // the new /dev/pts node belongs to us: give it the saved owner (a non-root task opens it by name)
            Tty.fchown(p.slaves.get(0).fd(), p.slave.getUid() & 0xffffffffL, p.slave.getGid() & 0xffffffffL);
        }
        if (s.getSid() != 0) {
            p.ctty = p.slaves.isEmpty() ? peer(p, Tty.O_RDWR | Tty.O_NOCTTY | Tty.O_CLOEXEC) : p.slaves.get(0);
        }
        if (p.slave != null && p.slave.getExclusive() && !p.slaves.isEmpty()) {
            Tty.call(p.slaves.get(0).fd(), Tty.TIOCEXCL, 0, "TIOCEXCL");
        }
        if (p.master.getLocked()) Tty.setInt(m, Tty.TIOCSPTLCK, 1, "TIOCSPTLCK");
    }

    private static Tty.Termios termios(TermiosEntry t) {
        byte[] cc = new byte[Tty.NCCS];
        for (int i = 0; i < Math.min(cc.length, t.getCCcCount()); i++) cc[i] = (byte) t.getCCc(i);
        return new Tty.Termios(t.getCIflag(), t.getCOflag(), t.getCCflag(), t.getCLflag(), t.getCLine(), cc,
                t.getCIspeed(), t.getCOspeed());
    }

    /** Every tty description of the images, as {our pid, our fd}, under "file:ID". */
    void handOver(Map<String, int[]> where) {
        for (var e : handed.entrySet()) where.put("file:" + e.getKey(), new int[] {self, e.getValue()});
    }

    /** In a session leader just after its setsid(): the pty whose session it leads becomes its controlling terminal. */
    void claimCtty(TaskPlan t, TraceeThread rt) throws RestoreException {
        for (Pty p : ptys.values()) {
            if (p.ctty == null || p.slave == null || p.slave.getSid() != t.pid) continue;
            withCopy(rt, p.ctty, "TIOCSCTTY for task " + t.pid, (g, b) -> rt.syscall(NR_ioctl, g, Tty.TIOCSCTTY, 0));
        }
    }

    /** Once every process group exists: each session leader puts its terminal's saved foreground group back. */
    void foreground(Map<Integer, TraceeThread> leaders, List<TaskPlan> tasks) throws RestoreException {
        for (Pty p : ptys.values()) {
            if (p.ctty == null || p.slave == null || p.slave.getSid() == 0) continue;
            int pgrp = p.slave.getPgrp();
            TraceeThread rt = leaders.get(p.slave.getSid());
            if (pgrp == 0 || pgrp == p.slave.getSid() || rt == null) continue;
            if (tasks.stream().noneMatch(x -> x.pgid == pgrp)) {
                Log.warn("pty " + p.slave.getPty().getIndex() + ": foreground group " + pgrp + " has no task left; not set");
                continue;
            }
            withCopy(rt, p.ctty, "TIOCSPGRP(" + pgrp + ") in task " + p.slave.getSid(), (g, b) -> {
                long a = b.longs(pgrp);
                b.writeData();
                return rt.syscall(NR_ioctl, g, Tty.TIOCSPGRP, a);
            });
        }
    }

    /**
     * --shell-job with criu's terminal given to the tree: the restored job becomes its foreground group
     * (CRIU's behaviour), when the root leads its own group and criu itself is in the foreground.
     */
    void shellForeground(TaskPlan root) {
        if (!stdinUsed || root.pgid != root.pid) return;
        try {
            int fg = Tty.getInt(0, Tty.TIOCGPGRP, "TIOCGPGRP");
            if (fg != ProcStat.read(self).pgid) {
                Log.get().log(Log.DEBUG, "criu runs in the background of its terminal: the job stays in the background");
                return;
            }
            Tty.setInt(0, Tty.TIOCSPGRP, root.pgid, "TIOCSPGRP");
        } catch (Errno e) {
            if (e.errno() == Errno.ENOTTY) {
                Log.get().log(Log.DEBUG, "criu's stdin is not its controlling terminal: the foreground group stays");
                return;
            }
            Log.warn("--shell-job: cannot make group " + root.pgid + " the terminal's foreground: " + e.getMessage());
        } catch (IOException e) {
            Log.warn("--shell-job: " + e.getMessage());
        }
    }

    private interface RemoteIoctl {
        long run(long fd, SyscallBatch scratch) throws RestoreException;
    }

    /** In task rt: a copy of our fd (pidfd_open + pidfd_getfd), one call on it, the copy closed. */
    private void withCopy(TraceeThread rt, Fd ours, String what, RemoteIoctl call) throws RestoreException {
        long pfd = rt.syscall(NR_pidfd_open, self, 0);
        if (pfd < 0) throw RestoreException.errno("pidfd_open(" + self + ") for " + what, (int) -pfd);
        long g = rt.syscall(NR_pidfd_getfd, pfd, ours.fd(), 0);
        rt.syscall(NR_close, pfd);
        if (g < 0) throw RestoreException.errno("pidfd_getfd for " + what, (int) -g);
        long r = call.run(g, new SyscallBatch(rt));
        rt.syscall(NR_close, g);
        if (r < 0) throw RestoreException.errno("ioctl(" + what + ")", (int) -r);
    }

    /** Closes our copies and opens (never stdin itself). Safe twice. */
    @Override
    public void close() {
        for (Pty p : ptys.values()) {
            if (p.masterFd != null) p.masterFd.close();
            for (Fd s : p.slaves) s.close();
            if (p.ctty != null) p.ctty.close();
        }
        for (Fd s : external) s.close();
        handed.clear();
    }
}
