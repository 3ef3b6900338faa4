package org.jcriu.criu.dump;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Fd;
import org.jcriu.criu.sys.Pidfd;
import org.jcriu.criu.sys.Tty;
import org.jcriu.criu.util.Log;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.RegFileEntry;
import org.jcriu.images.proto.TermiosEntry;
import com.google.protobuf.ByteString;
import org.jcriu.images.proto.TtyDataEntry;
import org.jcriu.images.proto.TtyFileEntry;
import org.jcriu.images.proto.TtyInfoEntry;
import org.jcriu.images.proto.TtyPtyEntry;
import org.jcriu.images.proto.TtyType;
import org.jcriu.images.proto.WinsizeEntry;

/**
 * Pseudo-terminal fds (Unix98 ptys: /dev/ptmx masters and /dev/pts/N slaves).
 * Each fd becomes a TtyFileEntry in files.img; each side of each pty one
 * TtyInfoEntry in tty-info.img, numbered as CRIU does (index * 2, + 1 for the
 * master), holding what the restore sets again: termios (and its lock),
 * winsize, the pty lock, packet mode, exclusive mode, and the session and
 * foreground group whose controlling terminal it is. All of it is read from a
 * copy of the task's fd (pidfd_getfd), asked on the master side where the tree
 * holds it (the slave answers session questions only to its own session).
 *
 * <p>A slave whose master no task of the tree holds belongs to someone else:
 * the terminal of the shell that started the job. It is saved only with
 * --shell-job (the restore gives the task criu's own terminal instead), as
 * CRIU does. Output queued for a master to read is saved (tty-data.img) and
 * put back; input queued for a slave to read is not (its count is logged).
 */
final class TtyDumper {
    /** info id -> entry being built (sid and pgrp of a slave filled from its master in {@link #check}) */
    private final Map<Integer, TtyInfoEntry.Builder> infos = new LinkedHashMap<>();
    /** pty index -> "task P: fd N (/dev/pts/I)" of the first slave fd seen, for the unpaired check */
    private final Map<Integer, String> slaves = new LinkedHashMap<>();
    /** pty index -> masters held */
    private final Map<Integer, String> masters = new HashMap<>();
    private final boolean shellJob;
    /** bytes queued for a master to read, by its info id (tty-data.img) */
    private final List<TtyDataEntry> data = new ArrayList<>();

    TtyDumper(boolean shellJob) {
        this.shellJob = shellJob;
    }

    /**
     * The files.img entries of one tty fd (a new open file description, id given): the TTY entry, and,
     * as CRIU 4.x writes it, a REG entry with the path it was opened by (TtyFileEntry.regf_id).
     */
    List<FileEntry> file(TaskNode t, Fd pidfd, int fd, String link, int id, int regId, int flags) throws DumpException {
        String what = "task " + t.pid + ": fd " + fd + " (" + link + ")";
        try (Fd copy = Pidfd.getfd(pidfd, fd)) {
            long[] st = Tty.stat(copy.fd());
            int maj = Tty.major(st[1]), min = Tty.minor(st[1]);
            boolean master = maj == Tty.TTYAUX_MAJOR && min == 2;
            boolean slave = maj >= Tty.UNIX98_PTY_SLAVE_MAJOR && maj < Tty.UNIX98_PTY_SLAVE_MAJOR + 8;
            if (!master && !slave) {
                throw new DumpException(what + " is a terminal of device " + maj + ":" + min
                        + ", which jcriu cannot save yet (only pseudo-terminals, /dev/ptmx and /dev/pts/N)");
            }
            int index = master ? Tty.getInt(copy.fd(), Tty.TIOCGPTN, "TIOCGPTN")
                    : (maj - Tty.UNIX98_PTY_SLAVE_MAJOR) * 256 + min;
            int infoId = index * 2 + (master ? 1 : 0);
            if (master) masters.putIfAbsent(index, what);
            else slaves.putIfAbsent(index, what);
            if (!infos.containsKey(infoId)) infos.put(infoId, info(t, copy.fd(), infoId, index, master, st));
            FileEntry reg = FileEntry.newBuilder().setType(FdTypes.REG).setId(regId).setReg(RegFileEntry.newBuilder()
                    .setId(regId).setFlags(flags).setPos(0).setFown(FileTable.NO_FOWN).setName(link)).build();
            return List.of(reg, FileEntry.newBuilder().setType(FdTypes.TTY).setId(id).setTty(TtyFileEntry.newBuilder()
                    .setId(id).setTtyInfoId(infoId).setFlags(flags).setFown(FileTable.NO_FOWN).setRegfId(regId)).build());
        } catch (Errno e) {
            throw new DumpException(what + ": " + e.getMessage(), e);
        }
    }

    private TtyInfoEntry.Builder info(TaskNode t, int fd, int infoId, int index, boolean master, long[] st) throws Errno {
        TtyInfoEntry.Builder b = TtyInfoEntry.newBuilder().setId(infoId).setType(TtyType.PTY)
                .setRdev(Tty.kernelDev(st[1])).setDev(Tty.kernelDev(st[0])).setUid((int) st[2]).setGid((int) st[3])
                .setPty(TtyPtyEntry.newBuilder().setIndex(index))
                .setLocked(master && Tty.getInt(fd, Tty.TIOCGPTLCK, "TIOCGPTLCK") != 0)
                .setPacketMode(master && Tty.getInt(fd, Tty.TIOCGPKT, "TIOCGPKT") != 0)
                .setExclusive(Tty.getInt(fd, Tty.TIOCGEXCL, "TIOCGEXCL") != 0).setSid(0).setPgrp(0);
        b.setTermios(termios(Tty.termios(fd, false))).setTermiosLocked(termios(Tty.termios(fd, true)));
        Tty.Winsize w = Tty.winsize(fd);
        b.setWinsize(WinsizeEntry.newBuilder().setWsRow(w.row()).setWsCol(w.col()).setWsXpixel(w.xpixel())
                .setWsYpixel(w.ypixel()));
        if (master) {
            // the session whose controlling terminal this pty is (ENOTTY: none), and its foreground group
            b.setSid(orZero(fd, Tty.TIOCGSID, "TIOCGSID")).setPgrp(orZero(fd, Tty.TIOCGPGRP, "TIOCGPGRP"));
            int queued = Tty.getInt(fd, Tty.FIONREAD, "FIONREAD");
            if (queued > 0) pending(t, fd, infoId, index, queued, b.getPacketMode());
        } else if (t.stat.ttyNr == Tty.kernelDev(st[1])) {
            // a slave read from outside its session: /proc/PID/stat knows its session and foreground group
            b.setSid(t.stat.sid).setPgrp(Math.max(t.stat.tpgid, 0));
        }
        if (!master) {
            int queued = Tty.getInt(fd, Tty.FIONREAD, "FIONREAD");
            if (queued > 0) Log.warn("task " + t.pid + ": pty " + index + ": " + queued
                    + " byte(s) of input waiting on the slave are not saved");
        }
        return b;
    }

    /**
     * Output the slave wrote and the master has not read yet, saved (tty-data.img) without losing it:
     * read from the master, then written back through a slave of ours with output processing off
     * (the bytes went through it once already), so the master holds the same bytes again, whether
     * the dump goes on or fails. Only when all of it sits in the master's line discipline buffer
     * (less than N_TTY_BUF_SIZE: nothing can wait behind it, which the write-back would overtake)
     * and not in packet mode (whose reads add a status byte); otherwise left alone and logged.
     */
    private void pending(TaskNode t, int master, int infoId, int index, int queued, boolean packet) throws Errno {
        String what = "task " + t.pid + ": pty " + index + ": " + queued + " byte(s) written by the slave and not yet"
                + " read from the master";
        if (packet || queued >= Tty.N_TTY_BUF_SIZE - 1) {
            Log.warn(what + " are not saved (" + (packet ? "packet mode" : "more may wait behind them") + ")");
            return;
        }
        Fd slave;
        try {
            slave = new Fd(Tty.call(master, Tty.TIOCGPTPEER, Tty.O_RDWR | Tty.O_NOCTTY | Tty.O_CLOEXEC, "TIOCGPTPEER"));
        } catch (Errno e) {
            Log.warn(what + " are not saved: no slave to put them back through (" + e.getMessage() + ")");
            return;
        }
        try (slave) {
            byte[] out = Tty.read(master, queued);
            Tty.Termios saved = Tty.termios(master, false);
            Tty.setTermios(master, Tty.rawOutput(saved), false);
            try {
                Tty.writeAll(slave.fd(), out);
            } finally {
                Tty.setTermios(master, saved, false);
            }
            data.add(TtyDataEntry.newBuilder().setTtyId(infoId).setData(ByteString.copyFrom(out)).build());
            Log.get().log(Log.DEBUG, "task " + t.pid + ": pty " + index + ": " + out.length + " byte(s) of output saved");
        }
    }

    private static int orZero(int fd, long req, String name) throws Errno {
        try {
            return Tty.getInt(fd, req, name);
        } catch (Errno e) {
            if (e.errno() == Errno.ENOTTY) return 0;
            throw e;
        }
    }

    private static TermiosEntry termios(Tty.Termios t) {
        TermiosEntry.Builder b = TermiosEntry.newBuilder().setCIflag(t.iflag()).setCOflag(t.oflag()).setCCflag(t.cflag())
                .setCLflag(t.lflag()).setCLine(t.line()).setCIspeed(t.ispeed()).setCOspeed(t.ospeed());
        for (byte c : t.cc()) b.addCCc(c & 0xff);
        return b.build();
    }

    /**
     * After every task: each slave needs its master in the tree, or --shell-job (the shell's terminal);
     * a pty that is the controlling terminal of a session must have that session's leader in the tree;
     * a session leader of the tree must find its controlling terminal among the saved ptys.
     */
    void check(List<TaskNode> tree) throws DumpException {
        Map<Integer, TaskNode> byPid = new HashMap<>();
        for (TaskNode t : tree) byPid.put(t.pid, t);
        for (Map.Entry<Integer, String> s : slaves.entrySet()) {
            if (masters.containsKey(s.getKey())) continue;
            if (!shellJob) {
                throw new DumpException(s.getValue() + " is a terminal whose master is outside the dumped tree"
                        + " (a shell's terminal?); use --shell-job");
            }
            TtyInfoEntry.Builder b = infos.get(s.getKey() * 2);
            if (b.getSid() != 0 && byPid.containsKey(b.getSid())) {
                throw new DumpException(s.getValue() + " is the controlling terminal of session " + b.getSid()
                        + " of the tree, but its master is outside the dumped tree");
            }
        }
        for (Map.Entry<Integer, String> m : masters.entrySet()) {
            TtyInfoEntry.Builder mi = infos.get(m.getKey() * 2 + 1);
            if (mi.getSid() != 0 && !byPid.containsKey(mi.getSid())) {
                throw new DumpException(m.getValue() + ": pty " + m.getKey() + " is the controlling terminal of session "
                        + mi.getSid() + ", whose leader is outside the dumped tree");
            }
            // the slave side (saved or not) carries the session too: the restore reads it there
            TtyInfoEntry.Builder si = infos.get(m.getKey() * 2);
            if (si == null) {
                // no slave fd to ask: the owner of /dev/pts/N is unknown (the master's is /dev/ptmx's)
                si = mi.clone().setId(m.getKey() * 2).setLocked(false).setPacketMode(false)
                        .setRdev(slaveRdev(m.getKey())).clearUid().clearGid();
                infos.put(m.getKey() * 2, si);
            }
            si.setSid(mi.getSid()).setPgrp(mi.getPgrp());
        }
        List<Integer> ctty = new ArrayList<>();
        for (TtyInfoEntry.Builder b : infos.values()) if (masters.containsKey(b.getPty().getIndex())) ctty.add(b.getRdev());
        for (TaskNode t : tree) {
            if (t.zombie || t.pid != t.stat.sid || t.stat.ttyNr == 0) continue;
            if (!ctty.contains(t.stat.ttyNr)) {
                throw new DumpException("task " + t.pid + ": its controlling terminal (device "
                        + (t.stat.ttyNr >>> 8 & 0xfff) + ":" + ((t.stat.ttyNr & 0xff) | (t.stat.ttyNr >>> 12 & 0xfff00))
                        + ") is not a pty whose master the dumped tree holds");
            }
        }
    }

    /** The kernel-encoded device number of pty slave index i (/dev/pts/i). */
    private static int slaveRdev(int i) {
        int maj = Tty.UNIX98_PTY_SLAVE_MAJOR + i / 256, min = i % 256;
        return min | maj << 8;
    }

    /** tty-info.img, if any tty was saved, and tty-data.img if output was queued. */
    void write(Path dir) throws IOException {
        if (infos.isEmpty()) return;
        try (ImageWriter o = ImageWriter.create(dir.resolve("tty-info.img"), ImageType.TTY_INFO)) {
            for (TtyInfoEntry.Builder b : infos.values()) o.write(b.build());
        }
        if (data.isEmpty()) return;
        try (ImageWriter o = ImageWriter.create(dir.resolve("tty-data.img"), ImageType.TTY_DATA)) {
            for (TtyDataEntry e : data) o.write(e);
        }
    }
}
