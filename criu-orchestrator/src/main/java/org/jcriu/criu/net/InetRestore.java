package org.jcriu.criu.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.restore.RestoreException;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.util.Log;
import org.jcriu.images.ImageDir;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.InetSkEntry;
import org.jcriu.images.proto.PstreeEntry;
import org.jcriu.images.proto.TcpStreamEntry;
import org.jcriu.soccr.PausedSocket;
import org.jcriu.soccr.RestoreOptions;
import org.jcriu.soccr.RestoredSocket;
import org.jcriu.soccr.Soccr;
import org.jcriu.soccr.SoccrException;
import org.jcriu.soccr.TcpConnectionState;
import org.jcriu.soccr.TcpState;

/**
 * The inet sockets of one restore (live handle): created in the
 * orchestrator, in our network namespace, on demand ({@link #open}), and
 * handed to the task by the restore engine. On its first use it reads every
 * inet entry of files.img and locks the connections about to be restored
 * (unless the dump's lock is still there). {@link #finish} closes our copies
 * and unlocks; {@link #abort} puts restored connections back into repair
 * mode first, so they vanish without a FIN or RST when their tasks die.
 */
public final class InetRestore {
    private final ImageDir dir;
    private final NetworkLockMethod lockMethod;
    private final String lockName;
    private final Map<Long, InetSkEntry> entries = new LinkedHashMap<>();
    private final Map<Long, Integer> opened = new HashMap<>();
    private final List<Integer> connections = new ArrayList<>();
    private boolean closed;
    private final boolean hasConnections;
    private final List<NetworkLock.Conn> conns = new ArrayList<>();
    long tcpNanos;

    InetRestore(Path imagesDir, NetworkLockMethod lockMethod) throws IOException {
        this.dir = new ImageDir(imagesDir);
        this.lockMethod = lockMethod;
        this.lockName = lockName(dir);
        try (ImageReader r = dir.open(ImageType.FILES)) {
            while (r.hasNext()) {
                FileEntry f = (FileEntry) r.next();
                if (f.getType() == FdTypes.INETSK && f.hasIsk()) entries.put((long) f.getId(), f.getIsk());
            }
        }
        for (InetSkEntry e : entries.values()) {
            if (e.getProto() == NetLib.IPPROTO_TCP && repairable(e.getState())) {
                conns.add(new NetworkLock.Conn(SockAddr.fromWords(e.getFamily(), e.getSrcAddrList(), e.getSrcPort()),
                        SockAddr.fromWords(e.getFamily(), e.getDstAddrList(), e.getDstPort())));
            }
        }
        hasConnections = !conns.isEmpty();
        if (hasConnections && !NetworkLock.locked(lockMethod, lockName, conns)) {
            NetworkLock.lock(lockMethod, lockName, conns);
        }
    }

    static String lockName(ImageDir dir) throws IOException {
        try (ImageReader r = dir.open(ImageType.PSTREE)) {
            return Integer.toString(((PstreeEntry) r.next()).getPid());
        }
    }

    private static boolean repairable(int state) {
        try {
            return TcpState.ofKernel(state).isRepairable();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Our fd for the socket of files.img entry id, created on first call. */
    public int open(long id) throws RestoreException {
        Integer fd = opened.get(id);
        if (fd != null) return fd;
        InetSkEntry e = entries.get(id);
        if (e == null) throw new RestoreException("image files.img: no inet socket with id " + id);
        try {
            fd = create(e);
        } catch (IOException ex) {
            throw new RestoreException("inet socket " + e.getIno() + " (files.img id " + id + "): " + ex.getMessage());
        }
        opened.put(id, fd);
        return fd;
    }

    private int create(InetSkEntry e) throws IOException {
        int family = e.getFamily();
        SockAddr src = SockAddr.fromWords(family, e.getSrcAddrList(), e.getSrcPort());
        SockAddr dst = SockAddr.fromWords(family, e.getDstAddrList(), e.getDstPort());
        boolean tcp = e.getProto() == NetLib.IPPROTO_TCP;
        if (tcp && repairable(e.getState())) return connection(e);
        if (e.getProto() != NetLib.IPPROTO_TCP && e.getProto() != NetLib.IPPROTO_UDP) {
            throw new IOException("protocol " + e.getProto() + " is not supported");
        }
        int fd = NetLib.socket(family, e.getType());
        try {
            if (family == NetLib.AF_INET6 && e.hasV6Only()) {
                NetLib.setInt(fd, NetLib.IPPROTO_IPV6, NetLib.IPV6_V6ONLY, e.getV6Only() ? 1 : 0, "IPV6_V6ONLY");
            }
            if (e.hasIpOpts() && e.getIpOpts().getFreebind()) {
                NetLib.setInt(fd, NetLib.IPPROTO_IP, NetLib.IP_FREEBIND, 1, "IP_FREEBIND");
            }
            SkOpts.beforeBind(fd, e.getOpts());
            if (src.port() != 0 || !src.isAny()) NetLib.bind(fd, src);
            if (tcp && e.getState() == TcpState.LISTEN.kernelValue()) {
                NetLib.listenOn(fd, e.getBacklog());
            } else if (!tcp && dst.port() != 0) {
                NetLib.connect(fd, dst);
            }
            SkOpts.apply(fd, e.getOpts(), tcp, true);
            if (e.hasShutdown() && e.getShutdown().getNumber() != 0 && !tcp) {
                Log.debug("inet socket " + e.getIno() + ": shutdown state of a UDP socket not restored");
            }
            flags(fd, e.getFlags());
            return fd;
        } catch (Errno ex) {
            NetLib.close(fd, true);
            throw ex;
        }
    }

    private int connection(InetSkEntry e) throws IOException {
        TcpStreamEntry t;
        byte[] inq, outq;
        try (ImageReader r = dir.open(ImageType.TCP_STREAM, e.getIno() & 0xffffffffL)) {
            t = (TcpStreamEntry) r.next();
            if (t == null) throw new IOException("image " + dir.path(ImageType.TCP_STREAM, e.getIno() & 0xffffffffL)
                    + " is empty");
            inq = r.readPayload(t.getInqLen());
            outq = r.readPayload(t.getOutqLen());
        } catch (ImageException ex) {
            throw new IOException(ex.getMessage(), ex);
        }
        long t0 = System.nanoTime();
        TcpConnectionState s = TcpStream.state(e, t, inq, outq);
        int fd;
        try {
            RestoredSocket rs = Soccr.restore(s, RestoreOptions.DEFAULT.withLogger(InetSockets.soccrLogger()));
            fd = rs.detach();
        } catch (SoccrException ex) {
            throw new IOException("cannot restore TCP connection " + s.localAddress() + " -> " + s.remoteAddress()
                    + ": " + ex.getMessage(), ex);
        }
        try {
            SkOpts.apply(fd, e.getOpts(), true, false);
            flags(fd, e.getFlags());
        } catch (Errno ex) {
            silentClose(fd);
            throw ex;
        }
        tcpNanos += System.nanoTime() - t0;
        connections.add(fd);
        return fd;
    }

    private static void flags(int fd, int flags) throws Errno {
        int fl = NetLib.getfl(fd);
        int want = (fl & ~NetLib.O_NONBLOCK) | (flags & NetLib.O_NONBLOCK);
        if (want != fl) NetLib.setfl(fd, want);
    }

    private static void silentClose(int fd) {
        try {
            PausedSocket p = Soccr.pause(fd);
            p.release();
        } catch (SoccrException ex) {
            NetLib.close(fd, true);
        }
    }

    /** Restore done: our copies close (the tasks hold theirs), the lock goes. */
    public void finish() throws RestoreException {
        if (closed) return;
        closed = true;
        for (int fd : opened.values()) NetLib.close(fd, true);
        if (!connections.isEmpty()) {
            Log.info("inet: " + connections.size() + " TCP connection(s) restored in " + tcpNanos / 1000 + " us");
        }
        long t0 = System.nanoTime();
        try {
            if (hasConnections) NetworkLock.unlock(lockMethod, lockName, conns);
        } catch (IOException ex) {
            throw new RestoreException(ex.getMessage());
        }
        if (hasConnections) Log.info("inet: network unlocked in " + (System.nanoTime() - t0) / 1000 + " us");
    }

    /** Restore failed: connections go silently, copies close, the lock goes. Never throws. */
    public void abort() {
        if (closed) return;
        closed = true;
        for (int fd : opened.values()) {
            if (connections.contains(fd)) silentClose(fd);
            else NetLib.close(fd, true);
        }
        try {
            if (hasConnections) NetworkLock.unlock(lockMethod, lockName, conns);
        } catch (IOException ex) {
            Log.error(ex.getMessage());
        }
    }
}
