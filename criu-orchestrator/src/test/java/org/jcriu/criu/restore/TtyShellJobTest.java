package org.jcriu.criu.restore;

import static org.jcriu.criu.restore.RestoreTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.jna.Memory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.criu.dump.DumpException;
import org.jcriu.criu.dump.DumpOptions;
import org.jcriu.criu.dump.Dumper;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Fd;
import org.jcriu.criu.sys.Pipes;
import org.jcriu.criu.sys.Tty;
import org.jcriu.criu.testing.Victim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job holding a terminal whose master is outside its tree (here a pty this test holds, as a
 * terminal emulator would): refused without --shell-job, the task untouched; with it, dumped, and
 * restored by a criu whose stdin is another real pty, which the job then talks through.
 */
class TtyShellJobTest {
    @TempDir Path dir;

    /** A new pty: {master (non-blocking), index}. */
    private static Object[] pty() throws Errno {
        Fd m = Fd.open("/dev/ptmx", Tty.O_RDWR | Tty.O_NOCTTY | Tty.O_CLOEXEC | Pipes.O_NONBLOCK);
        Tty.setInt(m.fd(), Tty.TIOCSPTLCK, 0, "TIOCSPTLCK");
        return new Object[] {m, Tty.getInt(m.fd(), Tty.TIOCGPTN, "TIOCGPTN")};
    }

    /** Writes a line to the master and waits (5 s) until the master reads the job's answer. */
    private static void roundTrip(Fd master, String word) throws Exception {
        byte[] b = (word + "\n").getBytes(StandardCharsets.US_ASCII);
        Memory m = new Memory(256);
        m.write(0, b, 0, b.length);
        assertEquals(b.length, Pipes.write(master.fd(), m, b.length));
        StringBuilder got = new StringBuilder();
        long end = System.currentTimeMillis() + 5000;
        while (!got.toString().contains("got " + word) && System.currentTimeMillis() < end) {
            try {
                long n = Pipes.read(master.fd(), m, m.size());
                got.append(new String(m.getByteArray(0, (int) n), StandardCharsets.US_ASCII));
            } catch (Errno e) {
                if (e.errno() != Errno.EAGAIN) throw e;
                Thread.sleep(10);
            }
        }
        assertTrue(got.toString().contains("got " + word), "the job did not answer '" + word + "' : " + got);
    }

    @Test
    void terminalFromOutsideNeedsShellJobAndBecomesCriusTerminal() throws Exception {
        Object[] outer = pty();
        try (Fd m = (Fd) outer[0]; Victim v = Victim.start("tty_user", "/dev/pts/" + outer[1])) {
            roundTrip(m, "one");
            DumpException e = assertThrows(DumpException.class, () -> Dumper.dump(DumpOptions.of(v.pid, dir)));
            assertTrue(e.getMessage().startsWith("task " + v.pid + ": fd 5 (/dev/pts/" + outer[1] + ")"), e.getMessage());
            assertTrue(e.getMessage().contains("--shell-job"), e.getMessage());
            assertTrue(v.alive() && !v.traced(), "the job must run on, untraced, after a refused dump");
            roundTrip(m, "two");

            Dumper.dump(DumpOptions.of(v.pid, dir).shellJob(true));
            assertTrue(v.awaitGone(5000));
            awaitPidFree(v.pid);
            assertTrue(Files.exists(dir.resolve("tty-info.img")));

            // without --shell-job the restore refuses, naming the terminal, and leaves nothing behind
            assertNotEquals(0, criu("restore", "-D", dir.toString(), "-d", "-o", "restore-refused.log"));
            assertTrue(lastLine(dir.resolve("restore-refused.log")).contains("--shell-job"),
                    lastLine(dir.resolve("restore-refused.log")));
            assertFalse(Files.exists(Path.of("/proc/" + v.pid)));

            // criu restore run on a terminal of its own: the job gets that terminal instead of the old one
            Object[] inner = pty();
            try (Fd m2 = (Fd) inner[0]) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "org.jcriu.criu.cli.CriuMain",
                        "restore", "-D", dir.toString(), "-d", "--shell-job", "-o", "restore.log", "-v4"));
                Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/pts/" + inner[1]))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("criu.out").toFile()).start();
                try {
                    assertEquals(0, p.waitFor(), Files.readString(dir.resolve("criu.out")));
                    assertTrue(Files.exists(Path.of("/proc/" + v.pid)), "the job is not back");
                    String five = Files.readSymbolicLink(Path.of("/proc/" + v.pid + "/fd/5")).toString();
                    assertEquals("/dev/pts/" + inner[1], five);
                    assertEquals(0, org.jcriu.criu.sys.Trace.kcmp(v.pid, v.pid, org.jcriu.criu.sys.Trace.KCMP_FILE, 5, 6),
                            "fds 5 and 6 no longer share one open file");
                    try {
                        roundTrip(m2, "three");
                    } catch (Exception | AssertionError x) {
                        throw new AssertionError("job output: " + v.output() + "; restore.log: "
                                + Files.readString(dir.resolve("restore.log")), x);
                    }
                } finally {
                    killAndReap(v.pid);
                }
            }
        }
    }
}
