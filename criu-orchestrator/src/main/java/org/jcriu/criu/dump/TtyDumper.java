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
import org.jcriu.criu.sys.TtyInput;
import org.jcriu.criu.sys.TtyOutput;
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
 * CRIU does. The bytes in flight on a pty whose master the tree holds are
 * saved in tty-data.img and left in place (see {@link #inFlight}): output
 * queued for the master to read, and input queued for the slave to read
 * (complete lines and the partial line of canonical mode).
 */
final class TtyDumper {
    /** info id -> entry being built (sid and pgrp of a slave filled from its master in {@link #check}) */
    private final Map<Integer, TtyInfoEntry.Builder> infos = new LinkedHashMap<>();
    /** pty index -> "task P: fd N (/dev/pts/I)" of the first slave fd seen, for the unpaired check */
    private final Map<Integer, String> slaves = new LinkedHashMap<>();
    /** pty index -> masters held */
    private final Map<Integer, String> masters = new HashMap<>();
    /** pty index -> {pid, fd} of the first master fd seen: its bytes in flight are taken in {@link #check} */
    private final Map<Integer, int[]> masterAt = new LinkedHashMap<>();
    private final boolean shellJob;
    /** bytes queued for a master to read, by its info id (tty-data.img) */
    private final List<TtyDataEntry> data = new ArrayList<>();
    /** keystrokes queued for a slave to read, by pty index (tty-data.img, under the slave's info id) */
    private final Map<Integer, TtyDataEntry> input = new LinkedHashMap<>();
    /** pty index -> FIONREAD of a slave fd of the tree (complete lines only in canonical mode) */
    private final Map<Integer, Integer> slaveQueued = new HashMap<>();

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
            if (!infos.containsKey(infoId)) infos.put(infoId, info(t, copy.fd(), fd, infoId, index, master, st));
            FileEntry reg = FileEntry.newBuilder().setType(FdTypes.REG).setId(regId).setReg(RegFileEntry.newBuilder()
                    .setId(regId).setFlags(flags).setPos(0).setFown(FileTable.NO_FOWN).setName(link)).build();
            return List.of(reg, FileEntry.newBuilder().setType(FdTypes.TTY).setId(id).setTty(TtyFileEntry.newBuilder()
                    .setId(id).setTtyInfoId(infoId).setFlags(flags).setFown(FileTable.NO_FOWN).setRegfId(regId)).build());
        } catch (Errno e) {
            throw new DumpException(what + ": " + e.getMessage(), e);
        }
    }

    private TtyInfoEntry.Builder info(TaskNode t, int fd, int fdNumber, int infoId, int index, boolean master, long[] st)
            throws Errno {
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
            masterAt.putIfAbsent(index, new int[] {t.pid, fdNumber});
        } else {
            if (t.stat.ttyNr == Tty.kernelDev(st[1])) {
                // a slave read from outside its session: /proc/PID/stat knows its session and foreground group
                b.setSid(t.stat.sid).setPgrp(Math.max(t.stat.tpgid, 0));
            }
            // complete lines only (canonical mode); reported in check() if the master is not the tree's
            slaveQueued.put(index, Tty.getInt(fd, Tty.FIONREAD, "FIONREAD"));
        }
        return b;
    }

    /**
     * The bytes in flight on a pty whose master the tree holds, saved (tty-data.img) and left in
     * place: output the slave wrote and the master has not read ({@link TtyOutput}: under the
     * master's id), and input written to the master that the slave's reader has not read
     * ({@link TtyInput}: under the slave's id). Each is taken out and put back at once, so the tree
     * keeps them whether the dump goes on, fails or leaves it running. What cannot be taken and
     * put back exactly is left alone, with a warning.
     */
    private void inFlight(int pid, int master, int index, boolean packet, boolean locked) throws Errno {
        String where = "task " + pid + ": pty " + index;
        int queued = Tty.getInt(master, Tty.FIONREAD, "FIONREAD");
        if (queued > 0) output(where, master, index * 2 + 1, queued, packet);
        if (!slaves.containsKey(index)) {
            // a slave of ours, closed last, would leave the master hung up (EIO): input only with the tree's slave open
            return;
        }
        Fd slave = openSlave(where, master, locked);
        if (slave == null) return;
        try (slave) {
            Tty.Termios tios = Tty.termios(slave.fd(), false);
            if (!TtyInput.handled(tios)) {
                int n = Tty.getInt(slave.fd(), Tty.FIONREAD, "FIONREAD");
                if (n > 0) Log.warn(where + ": " + n + " byte(s) of input for the slave are not saved (EXTPROC mode)");
                return;
            }
            int waiting = Tty.getInt(slave.fd(), Tty.FIONREAD, "FIONREAD");
            if (waiting >= TtyInput.MAX) {
                // a full queue: more may wait in the flip buffer, and would not fit back
                Log.warn(where + ": " + waiting + " byte(s) of input for the slave are not saved (its queue is full)");
                return;
            }
            byte[] keys = TtyInput.take(slave.fd(), tios);
            if (keys.length == 0) return;
            TtyInput.type(slave.fd(), tios, keys);
            input.put(index, TtyDataEntry.newBuilder().setTtyId(index * 2).setData(ByteString.copyFrom(keys)).build());
            Log.get().log(Log.DEBUG, where + ": " + keys.length + " keystroke(s) of input for the slave saved");
        }
    }

    /** {@link #inFlight} of every pty whose master the tree holds, through a new copy of the master fd. */
    private void inFlight() throws DumpException {
        for (Map.Entry<Integer, int[]> m : masterAt.entrySet()) {
            int pid = m.getValue()[0], fd = m.getValue()[1];
            TtyInfoEntry.Builder mi = infos.get(m.getKey() * 2 + 1);
            try (Fd pidfd = Pidfd.open(pid); Fd copy = Pidfd.getfd(pidfd, fd)) {
                inFlight(pid, copy.fd(), m.getKey(), mi.getPacketMode(), mi.getLocked());
            } catch (Errno e) {
                throw new DumpException("task " + pid + ": fd " + fd + " (pty " + m.getKey() + "): bytes in flight: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Output the master has not read: see {@link #inFlight}. */
    private void output(String where, int master, int masterId, int queued, boolean packet) throws Errno {
        String what = where + ": " + queued + " byte(s) written by the slave and not yet read from the master";
        if (queued >= TtyInput.MAX) {
            // the master's queue is full: more may wait in the flip buffer, and would not fit back
            Log.warn(what + " are not saved (the master's queue is full: more may wait behind it)");
            return;
        }
        if (packet && (Tty.poll(master, Tty.POLLPRI, 0) & Tty.POLLPRI) != 0) {
            // the master's reader would get a status byte first, which reading would consume for good
            Log.warn(what + " are not saved (a packet-mode status is pending for the master's reader)");
            return;
        }
        byte[] out = TtyOutput.take(master, packet);
        TtyOutput.put(master, out);
        if (out.length > TtyInput.MAX) Log.warn(what + ": " + out.length + " byte(s) taken, more than the queue holds back");
        data.add(TtyDataEntry.newBuilder().setTtyId(masterId).setData(ByteString.copyFrom(out)).build());
        Log.get().log(Log.DEBUG, where + ": " + out.length + " byte(s) of output saved");
    }

    /** A non-blocking slave of ours (TIOCGPTPEER), the pty unlocked for that moment if it is locked; null if none. */
    private static Fd openSlave(String where, int master, boolean locked) throws Errno {
        if (locked) Tty.setInt(master, Tty.TIOCSPTLCK, 0, "TIOCSPTLCK");
        try {
            return new Fd(Tty.call(master, Tty.TIOCGPTPEER, Tty.O_RDWR | Tty.O_NOCTTY | Tty.O_NONBLOCK | Tty.O_CLOEXEC,
                    "TIOCGPTPEER"));
        } catch (Errno e) {
            Log.warn(where + ": input for the slave, if any, is not saved: no slave to read it through (" + e.getMessage() + ")");
            return null;
        } finally {
            if (locked) Tty.setInt(master, Tty.TIOCSPTLCK, 1, "TIOCSPTLCK");
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
            int queued = slaveQueued.getOrDefault(s.getKey(), 0);
            if (shellJob && queued > 0) {
                // the shell's terminal: the restore gives the task criu's terminal instead, as CRIU does
                Log.warn(s.getValue() + ": " + queued + " byte(s) of input typed on the shell's terminal are not saved");
            }
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
        inFlight();
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

    /**
     * tty-info.img, if any tty was saved, and tty-data.img if bytes were in flight. Input is
     * written only for a pty whose slave an fd of the tree holds: a CRIU restore looks an entry's
     * tty_id up among the terminals the tasks open and fails on one it does not find.
     */
    void write(Path dir) throws IOException {
        if (infos.isEmpty()) return;
        try (ImageWriter o = ImageWriter.create(dir.resolve("tty-info.img"), ImageType.TTY_INFO)) {
            for (TtyInfoEntry.Builder b : infos.values()) o.write(b.build());
        }
        for (Map.Entry<Integer, TtyDataEntry> e : input.entrySet()) {
            if (slaves.containsKey(e.getKey())) {
                data.add(e.getValue());
            } else {
                Log.warn("pty " + e.getKey() + ": " + e.getValue().getData().size() + " keystroke(s) of input are not"
                        + " saved: no task of the tree holds the slave open (they stay in the running tree)");
            }
        }
        input.clear();
        if (data.isEmpty()) return;
        try (ImageWriter o = ImageWriter.create(dir.resolve("tty-data.img"), ImageType.TTY_DATA)) {
            for (TtyDataEntry e : data) o.write(e);
        }
    }
}
