package org.jcriu.soccr;

import jnr.enxio.channels.NativeSocketChannel;

/**
 * A socket rebuilt from a {@link TcpConnectionState}, out of repair mode and
 * carrying on the connection. Owns its fd until {@link #detach()} or
 * {@link #channel()} hands it over; {@link #close()} is safe twice.
 */
public final class RestoredSocket implements AutoCloseable {
    private int fd;

    RestoredSocket(int fd) {
        this.fd = fd;
    }

    /** The raw file descriptor (still owned by this object). */
    public int fd() {
        if (fd < 0) {
            throw new IllegalStateException("fd already handed over");
        }
        return fd;
    }

    /** Gives the fd to the caller, who must close it. */
    public int detach() {
        int f = fd();
        fd = -1;
        return f;
    }

    /**
     * Wraps the fd as a jnr-enxio selectable channel that now owns it. It
     * registers only with jnr's own selector (NativeSelectorProvider), not a JDK Selector.
     */
    public NativeSocketChannel channel() {
        return new NativeSocketChannel(detach());
    }

    /** The socket's current TCP state. */
    public TcpState state() throws SoccrException {
        return TcpState.ofKernel(new TcpInfo().read(fd()).state());
    }

    @Override
    public void close() throws SoccrException {
        if (fd >= 0) {
            int f = fd;
            fd = -1;
            Sys.close(f);
        }
    }
}
