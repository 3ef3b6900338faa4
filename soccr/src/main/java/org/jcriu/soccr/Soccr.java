package org.jcriu.soccr;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of soccr: save and restore live TCP connections through the
 * kernel's TCP repair mode. See the package documentation for the full
 * sequence and its preconditions.
 *
 * <pre>{@code
 * try (PausedSocket p = Soccr.pause(fd)) {      // repair on
 *     TcpConnectionState s = p.save();            // plain value
 *     p.release();                                // closed, no FIN/RST
 *     ship(s.toBytes());
 * }
 * RestoredSocket r = Soccr.restore(TcpConnectionState.fromBytes(bytes),
 *         RestoreOptions.DEFAULT.withNetns(Path.of("/run/netns/b")));
 * }</pre>
 */
public final class Soccr {
    /** Version of this library. */
    public static final String VERSION = "0.1.0";

    private Soccr() {
    }

    /** {@link #pause(int, SoccrLogger)} without logging. */
    public static PausedSocket pause(int fd) throws SoccrException {
        return pause(fd, SoccrLogger.NONE);
    }

    /**
     * Puts the connected TCP socket {@code fd} into repair mode. The caller keeps
     * owning {@code fd} until {@link PausedSocket#release()}.
     *
     * @throws UnsupportedSocketException not an IPv4/IPv6 TCP socket, a listening
     *         socket, or a state repair cannot handle (SYN_SENT, CLOSE, ...)
     * @throws PermissionDeniedException no CAP_NET_ADMIN in the socket's network namespace
     */
    public static PausedSocket pause(int fd, SoccrLogger log) throws SoccrException {
        TcpInfo info = new TcpInfo();
        try {
            info.read(fd);
        } catch (ErrnoException e) {
            if (e instanceof PermissionDeniedException || e.errno() == ErrnoException.EBADF) {
                throw e;
            }
            throw notTcp(fd); // TCP_INFO exists only on TCP sockets
        }
        TcpState state = TcpState.ofKernel(info.state());
        if (state == TcpState.LISTEN) {
            throw new UnsupportedSocketException("fd " + fd + " is a listening socket: only connections can be saved");
        }
        if (!state.isRepairable()) {
            throw new UnsupportedSocketException("fd " + fd + " is in TCP state " + state + ", which cannot be saved");
        }
        Sys.setInt(fd, LibC.IPPROTO_TCP, LibC.TCP_REPAIR, LibC.TCP_REPAIR_ON, "TCP_REPAIR");
        if (log.isEnabled(SoccrLogger.Level.DEBUG)) {
            log.log(SoccrLogger.Level.DEBUG, "paused fd " + fd + " in " + state);
        }
        return new PausedSocket(fd, state, log);
    }

    private static SoccrException notTcp(int fd) throws ErrnoException {
        int domain = Sys.getInt(fd, LibC.SOL_SOCKET, LibC.SO_DOMAIN, "SO_DOMAIN");
        int type = Sys.getInt(fd, LibC.SOL_SOCKET, LibC.SO_TYPE, "SO_TYPE");
        if (domain != LibC.AF_INET && domain != LibC.AF_INET6) {
            return new UnsupportedSocketException("fd " + fd + " is not an IPv4 or IPv6 socket (family " + domain + ")");
        }
        return new UnsupportedSocketException("fd " + fd + " is not a TCP socket ("
                + (type == LibC.SOCK_DGRAM ? "UDP" : "type " + type) + ")");
    }

    /** Restores {@code state} in the caller's network namespace. */
    public static RestoredSocket restore(TcpConnectionState state) throws SoccrException {
        return restore(state, RestoreOptions.DEFAULT);
    }

    /**
     * Creates a new socket (in the namespace {@code options} names, if any),
     * rebuilds {@code state} on it and leaves repair mode. Needs CAP_NET_ADMIN
     * in that namespace; the 4-tuple must be free there (the saved socket released).
     */
    public static RestoredSocket restore(TcpConnectionState state, RestoreOptions options) throws SoccrException {
        return restoreAll(List.of(state), options).get(0);
    }

    /**
     * Restores many connections with one namespace switch. On failure every
     * socket created so far is closed (silently, still in repair mode), the
     * failing connection is logged at ERROR and the typed exception rethrown.
     */
    public static List<RestoredSocket> restoreAll(List<TcpConnectionState> states, RestoreOptions options)
            throws SoccrException {
        int n = states.size();
        int[] fds = new int[n];
        java.util.Arrays.fill(fds, -1);
        int raw4 = -1;
        int raw6 = -1;
        int done = 0;
        try {
            NetNs ns = options.enter();
            try {
                for (int i = 0; i < n; i++) {
                    TcpConnectionState s = states.get(i);
                    fds[i] = Restorer.newSocket(s);
                    if (Restorer.needsPeerFin(s)) {
                        if (!s.ipv4OnWire() && raw6 < 0) {
                            raw6 = PeerFin.open(true);
                        } else if (s.ipv4OnWire() && raw4 < 0) {
                            raw4 = PeerFin.open(false);
                        }
                    }
                }
            } finally {
                if (ns != null) {
                    ns.close();
                }
            }
            List<RestoredSocket> out = new ArrayList<>(n);
            for (; done < n; done++) {
                TcpConnectionState s = states.get(done);
                try {
                    Restorer.restore(fds[done], s, s.ipv4OnWire() ? raw4 : raw6, options);
                } catch (SoccrException e) {
                    options.logger().log(SoccrLogger.Level.ERROR, "restore of " + s + " failed: " + e.getMessage());
                    throw e;
                }
                out.add(new RestoredSocket(fds[done]));
            }
            return out;
        } catch (SoccrException | RuntimeException e) {
            for (int i = 0; i < n; i++) {
                if (fds[i] >= 0) {
                    // back into repair mode first, so that close sends neither FIN nor RST
                    LibC.setsockopt(fds[i], LibC.IPPROTO_TCP, LibC.TCP_REPAIR, new int[] {LibC.TCP_REPAIR_ON}, 4);
                    LibC.close(fds[i]);
                }
            }
            throw e;
        } finally {
            if (raw4 >= 0) {
                LibC.close(raw4);
            }
            if (raw6 >= 0) {
                LibC.close(raw6);
            }
        }
    }
}
