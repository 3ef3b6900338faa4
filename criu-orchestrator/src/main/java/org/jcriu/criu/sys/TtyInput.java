package org.jcriu.criu.sys;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Input queued for a pty slave's reader: bytes written to the master (typed) that the slave's
 * line discipline holds and no reader has taken yet. {@link #take} empties that queue and returns
 * it as keystrokes; {@link #type} types keystrokes into a slave so that its queue holds the same
 * bytes, complete lines and partial line again. The dump takes and types back at once (the tree
 * keeps its input); the restore types into the new pty.
 *
 * <p>Keystrokes are what tty-data.img holds under the slave's tty-info id (CRIU saves there what
 * it reads from the slave, and writes it into the master on restore): in canonical mode each
 * complete line with its terminator (newline, VEOL or VEOL2), a line ended by EOF followed by the
 * VEOF character, then the partial line, every byte the line discipline would act on (erase,
 * kill, a terminator inside a line, flow control) preceded by VLNEXT, as a user would type it;
 * in non-canonical mode the bytes as they are.
 *
 * <p>Why it works this way: in canonical mode a reader sees complete lines only (read and
 * FIONREAD alike), so the lines are read first, one read each, and the partial line after
 * switching ICANON off (which also forgets where lines end). The bytes go back by TIOCSTI, which
 * the line discipline processes within the call: bytes written to the master would be processed
 * later by a kernel worker, perhaps after the termios are put back, echo included. While they go
 * back, echo, signal characters, input translation (ICRNL and the like) and IXANY are off, so
 * nothing is echoed, no signal raised and no byte changed; then the termios are put back exactly.
 * The locked termios are lifted meanwhile (CAP_SYS_ADMIN) and put back too. Terminals in EXTPROC
 * mode (line editing done by the other side) are not handled: see {@link #handled}.
 */
public final class TtyInput {
    /** Bytes a line discipline holds at most (N_TTY_BUF_SIZE - 1). */
    public static final int MAX = Tty.N_TTY_BUF_SIZE - 1;
    private static final int INPUT_CHANGES = Tty.INPCK | Tty.ISTRIP | Tty.INLCR | Tty.IGNCR | Tty.ICRNL | Tty.IUCLC
            | Tty.IXANY | Tty.PARMRK;
    private static final int ECHOES = Tty.ECHO | Tty.ECHOE | Tty.ECHOK | Tty.ECHONL | Tty.ECHOCTL | Tty.ECHOPRT
            | Tty.ECHOKE;

    private TtyInput() {}

    /** @return whether input under these termios can be taken and typed back (not EXTPROC) */
    public static boolean handled(Tty.Termios t) {
        return (t.lflag() & Tty.EXTPROC) == 0;
    }

    /**
     * Takes every byte queued for the slave's reader out of its line discipline.
     *
     * @param slave a non-blocking fd of the slave (one of ours: TIOCGPTPEER)
     * @param t the terminal's termios now, put back before returning
     * @return the keystrokes that give the same queue (see the class comment), empty if none
     */
    public static byte[] take(int slave, Tty.Termios t) throws Errno {
        if (!canonical(t)) return drain(slave);
        List<byte[]> lines = new ArrayList<>();
        // a canonical read returns one complete line (an empty one for EOF typed at a line's start)
        for (byte[] l; lines.size() <= MAX && (l = Tty.readNow(slave, Tty.N_TTY_BUF_SIZE)) != null; ) lines.add(l);
        // the partial line: readable once ICANON is off (VMIN 1: an empty queue reads EAGAIN)
        Tty.Termios raw = Tty.with(t, t.iflag(), t.lflag() & ~Tty.ICANON, Tty.VMIN, 1);
        byte[] partial;
        try {
            partial = Tty.during(slave, raw, t, () -> drain(slave));
        } catch (Errno e) {
            // the lines are out already: they go back before the failure is reported
            type(slave, t, keys(t, lines, new byte[0]));
            throw e;
        }
        return keys(t, lines, partial);
    }

    /** The keystrokes of complete lines (as canonical reads return them) and a partial line under t. */
    private static byte[] keys(Tty.Termios t, List<byte[]> lines, byte[] partial) {
        Tty.Termios r = replayTermios(t, false);
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            boolean ended = l.length > 0 && terminator(t, l[l.length - 1]);
            escape(r, l, ended ? l.length - 1 : l.length, keys);
            keys.write(ended ? l[l.length - 1] : r.cc()[Tty.VEOF]);
        }
        escape(r, partial, partial.length, keys);
        return keys.toByteArray();
    }

    /**
     * Types keystrokes into the slave's input (TIOCSTI, each processed at once) with echo,
     * signals and input translation off, then puts {@code t} back.
     *
     * @param slave an fd of the slave
     * @param t the termios the terminal is to keep (and has now)
     * @param keys keystrokes as {@link #take} gives them
     */
    public static void type(int slave, Tty.Termios t, byte[] keys) throws Errno {
        if (keys.length == 0) return;
        boolean flowBytes = (t.iflag() & Tty.IXON) != 0
                && (contains(keys, t.cc()[Tty.VSTART]) || contains(keys, t.cc()[Tty.VSTOP]));
        // in non-canonical mode nothing escapes a flow-control byte: IXON goes off for the typing
        Tty.Termios r = replayTermios(t, !canonical(t) && flowBytes);
        Tty.during(slave, r, t, () -> {
            for (byte b : keys) Tty.sti(slave, b);
            return null;
        });
    }

    /** Non-blocking reads until nothing is left (EAGAIN, or an empty read with VMIN 0). */
    private static byte[] drain(int fd) throws Errno {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i <= MAX; i++) {
            byte[] b = Tty.readNow(fd, Tty.N_TTY_BUF_SIZE);
            if (b == null || b.length == 0) break;
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    /**
     * The termios bytes are typed under: {@code t} without echo, signal characters, input
     * translation and IXANY (IXON off too if {@code noFlow}); in canonical mode with IEXTEN on and
     * a VLNEXT and a VEOF character (the saved ones, or unused control characters), which escape
     * bytes and end lines at EOF.
     */
    static Tty.Termios replayTermios(Tty.Termios t, boolean noFlow) {
        int iflag = t.iflag() & ~INPUT_CHANGES & ~(noFlow ? Tty.IXON : 0);
        int lflag = t.lflag() & ~Tty.ISIG & ~ECHOES;
        if (!canonical(t)) return Tty.with(t, iflag, lflag, -1, 0);
        Tty.Termios r = Tty.with(t, iflag, lflag | Tty.IEXTEN, -1, 0);
        if (r.cc()[Tty.VLNEXT] == 0) r = Tty.with(r, iflag, r.lflag(), Tty.VLNEXT, unused(r.cc(), 0x16));
        if (r.cc()[Tty.VEOF] == 0) r = Tty.with(r, iflag, r.lflag(), Tty.VEOF, unused(r.cc(), 0x04));
        return r;
    }

    /** Writes the first n bytes of b, each one the line discipline would act on under r preceded by VLNEXT. */
    private static void escape(Tty.Termios r, byte[] b, int n, ByteArrayOutputStream out) {
        byte[] cc = r.cc();
        int[] special = {Tty.VERASE, Tty.VKILL, Tty.VEOF, Tty.VEOL, Tty.VWERASE, Tty.VLNEXT, Tty.VEOL2};
        boolean flow = (r.iflag() & Tty.IXON) != 0;
        for (int i = 0; i < n; i++) {
            byte c = b[i];
            boolean esc = c == '\n';
            for (int s : special) esc |= c != 0 && cc[s] == c;
            esc |= flow && c != 0 && (cc[Tty.VSTART] == c || cc[Tty.VSTOP] == c);
            if (esc) out.write(cc[Tty.VLNEXT]);
            out.write(c);
        }
    }

    /** Whether byte c ends a line under t (canonical mode): newline, VEOL, or VEOL2 with IEXTEN. */
    private static boolean terminator(Tty.Termios t, byte c) {
        byte[] cc = t.cc();
        return c == '\n' || (c != 0 && cc[Tty.VEOL] == c)
                || (c != 0 && (t.lflag() & Tty.IEXTEN) != 0 && cc[Tty.VEOL2] == c);
    }

    /** A control character no c_cc entry uses, {@code preferred} if free. */
    private static int unused(byte[] cc, int preferred) {
        for (int c = preferred, i = 0; i < 32; i++, c = i) {
            if (c != 0 && c != '\n' && !contains(cc, (byte) c)) return c;
        }
        return preferred;
    }

    static boolean canonical(Tty.Termios t) {
        return (t.lflag() & Tty.ICANON) != 0;
    }

    private static boolean contains(byte[] b, byte c) {
        if (c == 0) return false;
        for (byte x : b) if (x == c) return true;
        return false;
    }

}
