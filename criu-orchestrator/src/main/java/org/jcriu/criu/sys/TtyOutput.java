package org.jcriu.criu.sys;

import java.io.ByteArrayOutputStream;

/**
 * Output a pty slave wrote that its master has not read yet: it sits in the master's line
 * discipline (or, just written, in the flip buffer on its way there). {@link #take} reads all of
 * it from the master; {@link #put} puts bytes back into the master's queue. The dump takes and
 * puts back at once (the tree keeps its output); the restore puts into the new pty. tty-data.img
 * holds them under the master's tty-info id, as CRIU does.
 *
 * <p>They go back by TIOCSTI on the master: its line discipline takes each byte within the call,
 * under the master's own termios, which the kernel keeps raw (termios requests on a master address
 * the slave), so the bytes are stored as they are: no output processing again, no echo, no
 * waiting on flow control. In packet mode every read from the master starts with a status byte,
 * TIOCPKT_DATA (0) when data follows: it is not part of the output and is not saved.
 */
public final class TtyOutput {
    private TtyOutput() {}

    /**
     * Reads everything the master holds: reads by FIONREAD (which never block), then a poll, which
     * makes the kernel finish moving bytes from the flip buffer first, until nothing is left.
     *
     * @param master an fd of the master (it may be blocking: it is the task's own description)
     * @param packet whether the master is in packet mode (the caller made sure no status is pending)
     * @return the output bytes
     */
    public static byte[] take(int master, boolean packet) throws Errno {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int round = 0; round <= TtyInput.MAX; round++) {
            int queued = Tty.getInt(master, Tty.FIONREAD, "FIONREAD");
            if (queued == 0) {
                if ((Tty.poll(master, Tty.POLLIN, 0) & Tty.POLLIN) == 0) break;
                queued = Tty.getInt(master, Tty.FIONREAD, "FIONREAD");
                if (queued == 0) break;
            }
            byte[] b = Tty.read(master, queued + (packet ? 1 : 0));
            int from = 0;
            if (packet) {
                if (b.length == 0 || b[0] != Tty.TIOCPKT_DATA) {
                    // a status came instead of data: the caller checked none was pending
                    throw new Errno("read(packet-mode master) [status byte " + (b.length == 0 ? "missing" : b[0] & 0xff)
                            + " instead of data]", Errno.EIO);
                }
                from = 1;
            }
            out.write(b, from, b.length - from);
        }
        return out.toByteArray();
    }

    /** Puts {@code out} back into the master's queue, byte by byte (TIOCSTI on the master). */
    public static void put(int master, byte[] out) throws Errno {
        for (byte b : out) Tty.sti(master, b);
    }
}
