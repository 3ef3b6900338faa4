package org.jcriu.criu.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Fd;
import org.jcriu.criu.sys.Pidfd;
import org.jcriu.criu.util.Log;
import org.jcriu.images.ImageDir;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.FownEntry;
import org.jcriu.images.proto.InetSkEntry;
import org.jcriu.images.proto.IpOptsEntry;
import org.jcriu.images.proto.SkShutdown;
import org.jcriu.soccr.PausedSocket;
import org.jcriu.soccr.SoccrException;
import org.jcriu.soccr.SoccrLogger;
import org.jcriu.soccr.TcpConnectionState;
import org.jcriu.soccr.TcpState;

/**
 * The inet sockets of one dump (live handle): made by
 * {@link InetSockets#beginDump} once the tree is frozen, it has found every
 * TCP and UDP socket the tree holds, locked the network for the connected
 * TCP ones and paused them (TCP repair). {@link #entry} gives each socket's
 * files.img entry (writing tcp-stream-INO.img for connections); then exactly
 * one of {@link #finish} (dump done) or {@link #abort} (dump failed).
 */
public final class InetDump {
    private static final FownEntry NO_FOWN = FownEntry.newBuilder().setUid(0).setEuid(0).setSignum(0).setPidType(0)
            .setPid(0).build();

    /** One socket: our copy of it, what the kernel says, and the paused handle of a connection. */
    private static final class Sock {
        final long ino;
        final Fd copy;
        int family, type, proto, state, backlog, shutdown, diagRq;
        SockAddr src, dst;
        PausedSocket paused;
        TcpConnectionState saved;
        boolean written;

        Sock(long ino, Fd copy) {
            this.ino = ino;
            this.copy = copy;
        }
    }

    private final ImageDir dir;
    private final NetworkLockMethod lockMethod;
    private final String lockName;
    private final Map<Long, Sock> byIno = new LinkedHashMap<>();
    private final Map<String, Long> inoOf = new HashMap<>(); // "pid:fd" -> ino
    private boolean locked;
    private List<NetworkLock.Conn> lockedConns;
    private boolean closed;
    /** Time spent locking, pausing and saving connections, and locking alone, for the log. */
    long tcpNanos, lockNanos;

    InetDump(Path imagesDir, NetworkLockMethod lockMethod, String lockName) {
        this.dir = new ImageDir(imagesDir);
        this.lockMethod = lockMethod;
        this.lockName = lockName;
    }

    /** Finds the inet sockets of these (frozen) tasks, locks and pauses the connections. */
    void collect(List<Integer> pids, boolean tcpEstablished) throws IOException {
        try {
            for (int pid : pids) scan(pid);
            if (byIno.isEmpty()) return;
            Map<Long, InetDiag.Sock> diag = InetDiag.all();
            List<NetworkLock.Conn> conns = new ArrayList<>();
            for (Sock s : byIno.values()) {
                describe(s, diag.get(s.ino));
                String where = where(s);
                if (s.proto == NetLib.IPPROTO_TCP) {
                    TcpState st = TcpState.ofKernel(s.state);
                    if (st == TcpState.LISTEN && s.diagRq > 0) {
                        throw new IOException(where + " is a listening TCP socket (" + s.src + ") with " + s.diagRq
                                + " connection(s) not accepted yet (in-flight connections), which jcriu cannot save");
                    }
                    if (st == TcpState.SYN_SENT || st == TcpState.SYN_RECV || st == TcpState.NEW_SYN_RECV) {
                        throw new IOException(where + " is a TCP connection being set up (" + st + ", " + s.src
                                + " -> " + s.dst + "), an in-flight connection jcriu cannot save");
                    }
                    if (st.isRepairable()) {
                        if (!tcpEstablished) {
                            throw new IOException(where + " is an established TCP connection (" + s.src + " -> "
                                    + s.dst + ", " + st + "): connected TCP socket, consider using --tcp-established");
                        }
                        conns.add(new NetworkLock.Conn(s.src, s.dst));
                    }
                } else if (s.proto != NetLib.IPPROTO_UDP) {
                    throw new IOException(where + " is an inet socket of protocol " + s.proto
                            + " (type " + s.type + "), which jcriu cannot save yet");
                }
            }
            if (conns.isEmpty()) return;
            long t0 = System.nanoTime();
            locked = true;
            lockedConns = conns;
            NetworkLock.lock(lockMethod, lockName, conns);
            long t1 = System.nanoTime();
            lockNanos = t1 - t0;
            SoccrLogger log = InetSockets.soccrLogger();
            for (Sock s : byIno.values()) {
                if (s.proto != NetLib.IPPROTO_TCP || !TcpState.ofKernel(s.state).isRepairable()) continue;
                try {
                    s.paused = org.jcriu.soccr.Soccr.pause(s.copy.fd(), log);
                    s.saved = s.paused.save();
                    s.state = s.saved.state().kernelValue();
                } catch (SoccrException e) {
                    throw new IOException(where(s) + ": cannot save TCP connection " + s.src + " -> " + s.dst + ": "
                            + e.getMessage(), e);
                }
            }
            tcpNanos += System.nanoTime() - t0;
            Log.info("inet: " + conns.size() + " TCP connection(s) locked (" + lockMethod.name().toLowerCase()
                    + ") and saved in " + tcpNanos / 1000 + " us (lock " + lockNanos / 1000 + " us, pause and save "
                    + (tcpNanos - lockNanos) / 1000 + " us)");
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    /** Where a socket was first seen, for messages: "task P: fd N". */
    private String where(Sock s) {
        for (var e : inoOf.entrySet()) {
            if (e.getValue() == s.ino) {
                String[] pf = e.getKey().split(":");
                return "task " + pf[0] + ": fd " + pf[1];
            }
        }
        return "socket " + s.ino;
    }

    private void scan(int pid) throws IOException {
        Path fdDir = Path.of("/proc", Integer.toString(pid), "fd");
        List<Path> fds;
        try (var st = Files.list(fdDir)) {
            fds = st.toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        Fd pidfd = null;
        try {
            for (Path p : fds) {
                String link;
                try {
                    link = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue;
                }
                if (!link.startsWith("socket:[")) continue;
                long ino = Long.parseLong(link.substring(8, link.length() - 1));
                int fd = Integer.parseInt(p.getFileName().toString());
                if (byIno.containsKey(ino)) {
                    inoOf.put(pid + ":" + fd, ino);
                    continue;
                }
                if (pidfd == null) pidfd = Pidfd.open(pid);
                Fd copy = Pidfd.getfd(pidfd, fd);
                int domain = NetLib.getInt(copy.fd(), NetLib.SOL_SOCKET, NetLib.SO_DOMAIN, "SO_DOMAIN");
                if (domain != NetLib.AF_INET && domain != NetLib.AF_INET6) {
                    copy.close();
                    continue;
                }
                if (!sameNetns(pid)) {
                    copy.close();
                    throw new IOException("task " + pid + ": fd " + fd + " is an inet socket in a network namespace"
                            + " other than jcriu's, which jcriu cannot save yet");
                }
                Sock s = new Sock(ino, copy);
                s.family = domain;
                byIno.put(ino, s);
                inoOf.put(pid + ":" + fd, ino);
            }
        } catch (Errno e) {
            throw new IOException("task " + pid + ": cannot read its sockets: " + e.getMessage(), e);
        } finally {
            if (pidfd != null) pidfd.close();
        }
    }

    private static boolean sameNetns(int pid) throws IOException {
        Object mine = Files.readAttributes(Path.of("/proc/self/ns/net"), "unix:ino").get("ino");
        Object theirs = Files.readAttributes(Path.of("/proc", Integer.toString(pid), "ns", "net"), "unix:ino").get("ino");
        return mine.equals(theirs);
    }

    private void describe(Sock s, InetDiag.Sock d) throws Errno {
        int fd = s.copy.fd();
        s.type = NetLib.getInt(fd, NetLib.SOL_SOCKET, NetLib.SO_TYPE, "SO_TYPE");
        s.proto = NetLib.getInt(fd, NetLib.SOL_SOCKET, NetLib.SO_PROTOCOL, "SO_PROTOCOL");
        if (d != null && d.proto() == s.proto) {
            s.state = d.state();
            s.src = d.src();
            s.dst = d.dst();
            s.shutdown = d.shutdown();
            s.diagRq = d.rqueue();
            if (d.state() == TcpState.LISTEN.kernelValue()) s.backlog = d.wqueue();
            return;
        }
        // not hashed anywhere (never bound, or closed): what the fd itself tells
        s.src = NetLib.sockname(fd);
        SockAddr peer = NetLib.peername(fd);
        s.dst = peer != null ? peer : SockAddr.any(s.family);
        if (s.proto == NetLib.IPPROTO_TCP) {
            s.state = NetLib.getBytes(fd, NetLib.IPPROTO_TCP, NetLib.TCP_INFO, 8, "TCP_INFO")[0] & 0xff;
        } else {
            s.state = peer != null ? TcpState.ESTABLISHED.kernelValue() : TcpState.CLOSE.kernelValue();
        }
    }

    /** True if fd of task pid is an inet (TCP or UDP, IPv4 or IPv6) socket. */
    public boolean isInet(int pid, int fd) {
        return inoOf.containsKey(pid + ":" + fd);
    }

    /**
     * The files.img entry (type INETSK) for fd of task pid, with the id the
     * engine gave its open file description and its file flags (O_CLOEXEC
     * excluded). A connection's queues and TCP state go to tcp-stream-INO.img.
     */
    public FileEntry entry(int pid, int fd, int id, int flags) throws IOException {
        Long ino = inoOf.get(pid + ":" + fd);
        if (ino == null) throw new IOException("task " + pid + ": fd " + fd + " is not an inet socket of this dump");
        Sock s = byIno.get(ino);
        org.jcriu.images.proto.SkOptsEntry opts;
        boolean v6only = false, freebind;
        try {
            int c = s.copy.fd();
            opts = SkOpts.read(c, s.proto == NetLib.IPPROTO_TCP);
            if (s.family == NetLib.AF_INET6) {
                v6only = NetLib.getInt(c, NetLib.IPPROTO_IPV6, NetLib.IPV6_V6ONLY, "IPV6_V6ONLY") != 0;
            }
            freebind = NetLib.getInt(c, NetLib.IPPROTO_IP, NetLib.IP_FREEBIND, "IP_FREEBIND") != 0;
        } catch (Errno e) {
            throw new IOException("task " + pid + ": fd " + fd + ": cannot read the socket's options: " + e.getMessage(), e);
        }
        InetSkEntry.Builder b = InetSkEntry.newBuilder().setId(id).setIno((int) s.ino).setFamily(s.family)
                .setType(s.type).setProto(s.proto).setState(s.state).setSrcPort(s.src.port()).setDstPort(s.dst.port())
                .setFlags(flags).setBacklog(s.backlog).addAllSrcAddr(s.src.words()).addAllDstAddr(s.dst.words())
                .setFown(NO_FOWN).setOpts(opts).setIpOpts(IpOptsEntry.newBuilder().setFreebind(freebind));
        if (s.family == NetLib.AF_INET6) b.setV6Only(v6only);
        if (s.shutdown != 0) b.setShutdown(SkShutdown.forNumber(s.shutdown & 3));
        if (s.saved != null && !s.written) {
            try (ImageWriter w = dir.create(ImageType.TCP_STREAM, s.ino)) {
                w.write(TcpStream.entry(s.saved), TcpStream.payload(s.saved));
            } catch (ImageException e) {
                throw new IOException(e.getMessage(), e);
            }
            s.written = true;
        }
        return FileEntry.newBuilder().setType(FdTypes.INETSK).setId(id).setIsk(b).build();
    }

    /**
     * The dump succeeded. leaveRunning: every paused connection resumes
     * (repair off) and the lock goes. Otherwise the connections stay in repair
     * mode: the task's own fds keep them until the tree is killed, when they
     * close without a FIN or RST; the lock stays until the restore.
     */
    public void finish(boolean leaveRunning) throws IOException {
        if (closed) return;
        closed = true;
        IOException err = null;
        for (Sock s : byIno.values()) {
            try {
                if (s.paused != null) {
                    if (leaveRunning) s.paused.resume();
                    else s.paused.release();
                    s.paused = null;
                }
            } catch (SoccrException e) {
                if (err == null) err = new IOException("socket " + s.ino + ": " + e.getMessage(), e);
            }
            s.copy.close();
        }
        if (leaveRunning && locked) {
            NetworkLock.unlock(lockMethod, lockName, lockedConns);
            locked = false;
        }
        if (err != null) throw err;
    }

    /** The dump failed: connections resume, the lock goes, copies close. Never throws. */
    public void abort() {
        if (closed) return;
        closed = true;
        for (Sock s : byIno.values()) {
            if (s.paused != null) {
                try {
                    s.paused.resume();
                } catch (SoccrException e) {
                    Log.warn("socket " + s.ino + ": cannot leave repair mode: " + e.getMessage());
                }
                s.paused = null;
            }
            s.copy.close();
        }
        if (locked) {
            try {
                NetworkLock.unlock(lockMethod, lockName, lockedConns);
            } catch (IOException e) {
                Log.error(e.getMessage());
            }
            locked = false;
        }
    }

    /** How many connections were saved. */
    public int connections() {
        int n = 0;
        for (Sock s : byIno.values()) if (s.saved != null) n++;
        return n;
    }
}
