package org.jcriu.criu.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bytes in flight on a real pty of this JVM (/dev/ptmx and its TIOCGPTPEER slave), taken out and
 * put back as the dump does: the reader then finds the same lines, the same partial line (still
 * editable), nothing is echoed again, and the termios (locked ones included) are as before.
 */
class TtyQueuesTest {
    private static final byte[] TYPED = "hello\neof\004par\026\177tiaX".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void canonicalInputTakenAndTypedBackKeepsLinesAndThePartialLine() throws Exception {
        try (Fd m = master(); Fd s = slave(m)) {
            Tty.writeAll(m.fd(), TYPED);
            drainEcho(m);
            Tty.Termios before = Tty.termios(s.fd(), false);
            byte[] keys = TtyInput.take(s.fd(), before);
            // lines with their terminators, EOF as VEOF, the escaped DEL escaped again, then the partial line
            assertArrayEquals(TYPED, keys, new String(keys, StandardCharsets.ISO_8859_1));
            assertEquals(0, Tty.getInt(s.fd(), Tty.FIONREAD, "FIONREAD"));
            assertEquals(null, Tty.readNow(s.fd(), 100), "the partial line was taken too");
            TtyInput.type(s.fd(), before, keys);
            assertEquals(0, Tty.poll(m.fd(), Tty.POLLIN, 100), "nothing echoed again");
            assertTermios(before, Tty.termios(s.fd(), false));
            // the partial line is still one: DEL erases its X
            Tty.writeAll(m.fd(), "\177l\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("hello\n", read(s));
            assertEquals("eof", read(s));
            assertEquals("par\177tial\n", read(s));
        }
    }

    @Test
    void echoLockedOnStaysOffWhileTypingAndTheLockComesBack() throws Exception {
        try (Fd m = master(); Fd s = slave(m)) {
            Tty.Termios t = Tty.termios(s.fd(), false);
            Tty.setTermios(s.fd(), new Tty.Termios(0, 0, 0, Tty.ECHO | Tty.ICANON, 0, new byte[Tty.NCCS], 0, 0), true);
            Tty.Termios locked = Tty.termios(s.fd(), true);
            Tty.writeAll(m.fd(), "ab\ncd".getBytes(StandardCharsets.ISO_8859_1));
            drainEcho(m);
            byte[] keys = TtyInput.take(s.fd(), t);
            TtyInput.type(s.fd(), t, keys);
            assertEquals(0, Tty.poll(m.fd(), Tty.POLLIN, 100), "nothing echoed again");
            assertEquals(locked.lflag(), Tty.termios(s.fd(), true).lflag());
            assertTermios(t, Tty.termios(s.fd(), false));
            Tty.writeAll(m.fd(), "\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("ab\n", read(s));
            assertEquals("cd\n", read(s));
        }
    }

    @Test
    void rawInputComesBackByteForByte() throws Exception {
        try (Fd m = master(); Fd s = slave(m)) {
            Tty.Termios t = Tty.termios(s.fd(), false);
            Tty.Termios raw = Tty.with(t, 0, 0, Tty.VMIN, 1);
            Tty.setTermios(s.fd(), raw, false);
            byte[] in = "raw\003\r\021\n\177bytes".getBytes(StandardCharsets.ISO_8859_1);
            Tty.writeAll(m.fd(), in);
            waitReadable(s);
            byte[] keys = TtyInput.take(s.fd(), Tty.termios(s.fd(), false));
            assertArrayEquals(in, keys);
            TtyInput.type(s.fd(), raw, keys);
            assertArrayEquals(in, Tty.readNow(s.fd(), 100));
        }
    }

    @Test
    void packetModeOutputIsSavedWithoutItsStatusByteAndPutBack() throws Exception {
        try (Fd m = master(); Fd s = slave(m)) {
            Tty.setInt(m.fd(), Tty.TIOCPKT, 1, "TIOCPKT");
            Tty.writeAll(s.fd(), "out\n".getBytes(StandardCharsets.ISO_8859_1));
            waitReadable(m);
            assertEquals(0, Tty.poll(m.fd(), Tty.POLLPRI, 0) & Tty.POLLPRI);
            byte[] out = TtyOutput.take(m.fd(), true);
            assertEquals("out\r\n", new String(out, StandardCharsets.ISO_8859_1));
            TtyOutput.put(m.fd(), out);
            assertEquals("\0out\r\n", new String(Tty.readNow(m.fd(), 100), StandardCharsets.ISO_8859_1));
        }
    }

    private static Fd master() throws Errno {
        Fd m = Fd.open("/dev/ptmx", Tty.O_RDWR | Tty.O_NOCTTY | Tty.O_NONBLOCK | Tty.O_CLOEXEC);
        Tty.setInt(m.fd(), Tty.TIOCSPTLCK, 0, "TIOCSPTLCK");
        return m;
    }

    private static Fd slave(Fd m) throws Errno {
        return new Fd(Tty.call(m.fd(), Tty.TIOCGPTPEER, Tty.O_RDWR | Tty.O_NOCTTY | Tty.O_NONBLOCK | Tty.O_CLOEXEC,
                "TIOCGPTPEER"));
    }

    /** The echo of what was typed: read until the master stays quiet for 200 ms. */
    private static void drainEcho(Fd m) throws Errno {
        while (Tty.poll(m.fd(), Tty.POLLIN, 200) != 0) Tty.readNow(m.fd(), 4096);
    }

    private static void waitReadable(Fd f) throws Errno {
        assertEquals(Tty.POLLIN, Tty.poll(f.fd(), Tty.POLLIN, 5000) & Tty.POLLIN);
    }

    private static String read(Fd s) throws Errno {
        waitReadable(s);
        return new String(Tty.readNow(s.fd(), 4096), StandardCharsets.ISO_8859_1);
    }

    private static void assertTermios(Tty.Termios a, Tty.Termios b) {
        assertEquals(a.iflag(), b.iflag());
        assertEquals(a.oflag(), b.oflag());
        assertEquals(a.cflag(), b.cflag());
        assertEquals(a.lflag(), b.lflag());
        assertArrayEquals(a.cc(), b.cc());
    }
}
