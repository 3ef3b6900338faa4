package org.jcriu.criu.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * Terminal ioctls (tty_ioctl(4), ioctl_tty(2)) on fds of the orchestrator,
 * x86-64 request numbers. Thin: each method makes one call and throws
 * {@link Errno} naming it. On a pty master the termios, winsize, session and
 * foreground group requests address the slave side, which is why the dump
 * asks the master: TIOCGSID and TIOCGPGRP on a slave answer only to a
 * process whose controlling terminal it is.
 */
public final class Tty {
    public static final long TCGETS2 = 0x802c542aL, TCSETS2 = 0x402c542bL, TIOCEXCL = 0x540c, TIOCNXCL = 0x540d,
            TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413,
            TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, TIOCPKT = 0x5420, TIOCGSID = 0x5429, TIOCGPTN = 0x80045430L,
            TIOCSPTLCK = 0x40045431L, TIOCGPKT = 0x80045438L, TIOCGPTLCK = 0x80045439L, TIOCGEXCL = 0x80045440L,
            TIOCGPTPEER = 0x5441, TIOCGLCKTRMIOS = 0x5456, TIOCSLCKTRMIOS = 0x5457;
    /** Major of /dev/tty, /dev/ptmx (minor 0 and 2); first major of the Unix98 pty slaves (8 of them). */
    public static final int TTYAUX_MAJOR = 5, UNIX98_PTY_SLAVE_MAJOR = 136;
    public static final int O_RDWR = 2, O_NOCTTY = 0400, O_CLOEXEC = 02000000;
    /** Kernel NCCS: control characters in struct termios2. */
    public static final int NCCS = 19;

    private Tty() {}

    /**
     * struct termios2 { tcflag_t c_iflag, c_oflag, c_cflag, c_lflag; cc_t c_line; cc_t c_cc[19];
     * speed_t c_ispeed, c_ospeed; } (44 bytes).
     */
    public record Termios(int iflag, int oflag, int cflag, int lflag, int line, byte[] cc, int ispeed, int ospeed) {}

    /** struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }. */
    public record Winsize(int row, int col, int xpixel, int ypixel) {}

    /** TCGETS2 (or TIOCGLCKTRMIOS with locked, which has only the older struct termios: speeds 0). */
    public static Termios termios(int fd, boolean locked) throws Errno {
        Memory m = new Memory(64);
        m.clear();
        ioctl(fd, locked ? TIOCGLCKTRMIOS : TCGETS2, m, locked ? "ioctl(TIOCGLCKTRMIOS)" : "ioctl(TCGETS2)");
        return new Termios(m.getInt(0), m.getInt(4), m.getInt(8), m.getInt(12), m.getByte(16) & 0xff,
                m.getByteArray(17, NCCS), locked ? 0 : m.getInt(36), locked ? 0 : m.getInt(40));
    }

    /** TCSETS2 (or TIOCSLCKTRMIOS with locked, which needs CAP_SYS_ADMIN). */
    public static void setTermios(int fd, Termios t, boolean locked) throws Errno {
        Memory m = new Memory(64);
        m.clear();
        m.setInt(0, t.iflag());
        m.setInt(4, t.oflag());
        m.setInt(8, t.cflag());
        m.setInt(12, t.lflag());
        m.setByte(16, (byte) t.line());
        m.write(17, t.cc(), 0, Math.min(NCCS, t.cc().length));
        m.setInt(36, t.ispeed());
        m.setInt(40, t.ospeed());
        ioctl(fd, locked ? TIOCSLCKTRMIOS : TCSETS2, m, locked ? "ioctl(TIOCSLCKTRMIOS)" : "ioctl(TCSETS2)");
    }

    public static Winsize winsize(int fd) throws Errno {
        Memory m = new Memory(8);
        ioctl(fd, TIOCGWINSZ, m, "ioctl(TIOCGWINSZ)");
        return new Winsize(m.getShort(0) & 0xffff, m.getShort(2) & 0xffff, m.getShort(4) & 0xffff, m.getShort(6) & 0xffff);
    }

    public static void setWinsize(int fd, Winsize w) throws Errno {
        Memory m = new Memory(8);
        m.setShort(0, (short) w.row());
        m.setShort(2, (short) w.col());
        m.setShort(4, (short) w.xpixel());
        m.setShort(6, (short) w.ypixel());
        ioctl(fd, TIOCSWINSZ, m, "ioctl(TIOCSWINSZ)");
    }

    /** An ioctl that reads one int (TIOCGPTN, TIOCGPTLCK, TIOCGPKT, TIOCGEXCL, TIOCGSID, TIOCGPGRP, FIONREAD, TIOCOUTQ). */
    public static int getInt(int fd, long req, String name) throws Errno {
        Memory m = new Memory(4);
        m.setInt(0, 0);
        ioctl(fd, req, m, "ioctl(" + name + ")");
        return m.getInt(0);
    }

    /** An ioctl that takes a pointer to one int (TIOCSPTLCK, TIOCPKT, TIOCSPGRP). */
    public static void setInt(int fd, long req, int v, String name) throws Errno {
        Memory m = new Memory(4);
        m.setInt(0, v);
        ioctl(fd, req, m, "ioctl(" + name + ")");
    }

    /** An ioctl whose argument is a plain value (TIOCEXCL, TIOCSCTTY); returns its result (TIOCGPTPEER: an fd). */
    public static int call(int fd, long req, long arg, String name) throws Errno {
        try {
            return LibC.ioctl(fd, req, arg);
        } catch (LastErrorException e) {
            throw new Errno("ioctl(" + name + ")", e.getErrorCode());
        }
    }

    /** TIOCSTI: insert one byte into a terminal's input as if typed (CAP_SYS_ADMIN for another's terminal). */
    public static final long TIOCSTI = 0x5412;
    /** c_iflag bits that change input bytes on their way into the line discipline's buffer. */
    public static final int INPCK = 020, ISTRIP = 040, INLCR = 0100, IGNCR = 0200, ICRNL = 0400, IUCLC = 01000,
            IXON = 02000, IXANY = 04000, PARMRK = 010;
    /** c_lflag bits. */
    public static final int ISIG = 1, ICANON = 2, ECHO = 010, ECHOE = 020, ECHOK = 040, ECHONL = 0100,
            ECHOCTL = 01000, ECHOPRT = 02000, ECHOKE = 04000, IEXTEN = 0100000, EXTPROC = 0200000;
    /** Indices into c_cc (the kernel's struct termios). */
    public static final int VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6,
            VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;
    /** poll(2) events. */
    public static final short POLLIN = 1, POLLPRI = 2;
    /** O_NONBLOCK of open(2). */
    public static final int O_NONBLOCK = 04000;
    /** The first byte of every read from a master in packet mode when no status is pending: data follows. */
    public static final int TIOCPKT_DATA = 0;

    /** Bytes a line discipline's read buffer holds, either side of a pty (N_TTY_BUF_SIZE). */
    public static final int N_TTY_BUF_SIZE = 4096;

    /** read(fd, n): exactly what one read returns (a pty master returns what it holds, up to n). */
    public static byte[] read(int fd, int n) throws Errno {
        Memory m = new Memory(Math.max(n, 1));
        try {
            long r = LibC.read(fd, m, n);
            return m.getByteArray(0, (int) r);
        } catch (LastErrorException e) {
            throw new Errno("read", e.getErrorCode());
        }
    }

    /**
     * read(fd, n) on a non-blocking fd.
     *
     * @return what one read returns (empty at end of file, or a terminal's empty line), or null on EAGAIN
     */
    public static byte[] readNow(int fd, int n) throws Errno {
        Memory m = new Memory(Math.max(n, 1));
        try {
            long r = LibC.read(fd, m, n);
            return m.getByteArray(0, (int) r);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EAGAIN) return null;
            throw new Errno("read", e.getErrorCode());
        }
    }

    /** ioctl(fd, TIOCSTI, &b): b enters the terminal's input as if typed, processed at once by its line discipline. */
    public static void sti(int fd, byte b) throws Errno {
        Memory m = new Memory(1);
        m.setByte(0, b);
        ioctl(fd, TIOCSTI, m, "ioctl(TIOCSTI)");
    }

    /** poll(2) on one fd. @return the revents (0 when nothing happened within timeoutMs) */
    public static int poll(int fd, short events, int timeoutMs) throws Errno {
        Memory p = new Memory(8);
        p.setInt(0, fd);
        p.setShort(4, events);
        p.setShort(6, (short) 0);
        long r = LibC.sys("poll", 7, com.sun.jna.Pointer.nativeValue(p), 1, timeoutMs, 0, 0, 0);
        return r == 0 ? 0 : p.getShort(6) & 0xffff;
    }

    /** A step run under other termios by {@link #during}. */
    public interface Step<T> {
        T run() throws Errno;
    }

    /**
     * Runs {@code step} with the terminal's termios set to {@code during} (checked to have taken
     * effect), then sets {@code after}. The locked termios (TIOCSLCKTRMIOS, CAP_SYS_ADMIN), which
     * would silently keep some bits, are lifted meanwhile and put back.
     */
    public static <T> T during(int fd, Termios during, Termios after, Step<T> step) throws Errno {
        Termios locked = termios(fd, true);
        boolean unlock = locked.iflag() != 0 || locked.oflag() != 0 || locked.cflag() != 0 || locked.lflag() != 0;
        for (byte c : locked.cc()) unlock |= c != 0;
        if (unlock) setTermios(fd, new Termios(0, 0, 0, 0, 0, new byte[NCCS], 0, 0), true);
        try {
            setTermios(fd, during, false);
            try {
                Termios now = termios(fd, false);
                if (now.iflag() != during.iflag() || now.oflag() != during.oflag() || now.lflag() != during.lflag()) {
                    throw new Errno("ioctl(TCSETS2) [the termios did not take]", Errno.EPERM);
                }
                return step.run();
            } finally {
                setTermios(fd, after, false);
            }
        } finally {
            if (unlock) setTermios(fd, locked, true);
        }
    }

    /** The same termios with other c_iflag and c_lflag bits and one control character changed. */
    public static Termios with(Termios t, int iflag, int lflag, int ccIndex, int cc) {
        byte[] c = t.cc().clone();
        if (ccIndex >= 0) c[ccIndex] = (byte) cc;
        return new Termios(iflag, t.oflag(), t.cflag(), lflag, t.line(), c, t.ispeed(), t.ospeed());
    }

    /** write(fd, all of b), looping over short writes. */
    public static void writeAll(int fd, byte[] b) throws Errno {
        Memory m = new Memory(Math.max(b.length, 1));
        m.write(0, b, 0, b.length);
        long off = 0;
        while (off < b.length) {
            try {
                off += LibC.write(fd, m.share(off), b.length - off);
            } catch (LastErrorException e) {
                throw new Errno("write", e.getErrorCode());
            }
        }
    }

    /** fchown(2): the owner of a pty slave's /dev/pts node, as grantpt(3) sets it. */
    public static void fchown(int fd, long uid, long gid) throws Errno {
        LibC.sys("fchown", 93, fd, uid, gid, 0, 0, 0);
    }

    /** {st_dev, st_rdev, st_uid, st_gid} of an fd (struct stat of x86-64). */
    public static long[] stat(int fd) throws Errno {
        Memory st = new Memory(144);
        try {
            LibC.fstat(fd, st);
        } catch (LastErrorException e) {
            throw new Errno("fstat", e.getErrorCode());
        }
        return new long[] {st.getLong(0), st.getLong(40), st.getInt(28) & 0xffffffffL, st.getInt(32) & 0xffffffffL};
    }

    /** Major and minor of a glibc dev_t. */
    public static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfff));
    }

    public static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xff));
    }

    /** The kernel's own encoding (new_encode_dev), as /proc/PID/stat's tty_nr and CRIU's images use it. */
    public static int kernelDev(long dev) {
        int maj = major(dev), min = minor(dev);
        return (min & 0xff) | (maj << 8) | ((min & ~0xff) << 12);
    }

    private static void ioctl(int fd, long req, Memory m, String name) throws Errno {
        try {
            LibC.ioctl(fd, req, m);
        } catch (LastErrorException e) {
            throw new Errno(name, e.getErrorCode());
        }
    }
}
