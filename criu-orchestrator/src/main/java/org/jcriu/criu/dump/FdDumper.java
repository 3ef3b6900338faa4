package org.jcriu.criu.dump;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.proc.Fdinfo;
import org.jcriu.criu.proc.ProcFs;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Fd;
import org.jcriu.criu.sys.Pidfd;
import org.jcriu.criu.sys.Pipes;
import org.jcriu.criu.sys.SockDiag;
import org.jcriu.criu.sys.Sockets;
import org.jcriu.images.proto.SkOptsEntry;
import org.jcriu.images.proto.SkPacketEntry;
import org.jcriu.images.proto.SkShutdown;
import org.jcriu.criu.util.Log;
import org.jcriu.images.proto.UnixSkEntry;
import org.jcriu.criu.sys.Trace;
import org.jcriu.images.proto.EventfdFileEntry;
import org.jcriu.images.proto.EventpollFileEntry;
import org.jcriu.images.proto.EventpollTfdEntry;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FdinfoEntry;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.GhostFileEntry;
import org.jcriu.images.proto.PipeDataEntry;
import org.jcriu.images.proto.PipeEntry;
import org.jcriu.images.proto.RegFileEntry;
import org.jcriu.images.proto.RemapFilePathEntry;
import org.jcriu.images.proto.RemapType;
import org.jcriu.images.proto.SignalfdEntry;
import org.jcriu.images.proto.TimerfdEntry;
import org.jcriu.images.proto.Timeval;

/**
 * Every fd of a task: its kind from readlink(/proc/PID/fd/N), its state from
 * fdinfo and from a copy of the fd taken with pidfd_getfd; shared open file
 * descriptions found with kcmp(KCMP_FILE) get one id. Writes nothing itself:
 * entries go to the FileTable (files.img) and to the extra images (pipes-data,
 * ghost files) through {@link Extra}.
 */
final class FdDumper {
    static final int O_CLOEXEC = 02000000, O_ACCMODE = 3, FD_CLOEXEC = 1;
    /**
     * EFD_SEMAPHORE is not an open flag: it is kept in bit 0 of EventfdFileEntry.flags, which an
     * eventfd (always O_RDWR) never uses; the restore passes it to eventfd(2).
     */
    static final int EFD_SEMAPHORE = 1;

    /** Extra images the fds need, written once at the end. */
    static final class Extra {
        final List<Object[]> pipeData = new ArrayList<>(); // {PipeDataEntry, ByteBuffer}
        final List<Object[]> fifoData = new ArrayList<>(); // {PipeDataEntry, ByteBuffer}
        final List<RemapFilePathEntry> remaps = new ArrayList<>();
        final List<Object[]> ghosts = new ArrayList<>(); // {GhostFileEntry, ByteBuffer, id}
        final Map<Long, Boolean> pipesSeen = new HashMap<>();
        final List<Object[]> skQueues = new ArrayList<>(); // {SkPacketEntry, ByteBuffer}
        /** unix sockets saved, by inode, and the peers they need */
        final Map<Long, Integer> unixSaved = new HashMap<>();
        final Map<Long, String> unixPeersNeeded = new HashMap<>();
        /** embryo sockets of pending connections, and the client socket saved for each */
        final Map<Long, String> unixIconsNeeded = new HashMap<>();
        final Map<Long, Long> unixIconClients = new HashMap<>();
        /**
         * Data a client sent on a connection still pending on a listener (queued on the embryo socket),
         * by client inode; taken by accepting the pending connections (only when the tree is killed after the dump).
         */
        final Map<Long, List<ByteBuffer>> embryoData = new HashMap<>();
        boolean leaveRunning;
        int nextGhostId = 1;
        final List<org.jcriu.images.proto.FileLockEntry> locks = new ArrayList<>();
        final java.util.Set<String> lockIds = new java.util.HashSet<>();
        org.jcriu.criu.net.InetDump inet; // inet sockets of this dump (org.jcriu.criu.net)
    }

    /** One fd already saved, for kcmp against later ones. */
    private record Seen(int pid, int fd, String key, int id) {}

    private final FileTable files;
    private final Extra extra;
    private Map<Long, SockDiag.UnixSocket> unixDiag;
    private final Map<Long, Long> listenerOfIcon = new HashMap<>();
    /** net namespace id of the task being saved, for UnixSkEntry.ns_id */
    int netNsId;
    private final List<Seen> seen = new ArrayList<>();

    private final ShmemDumper shmem;
    /** --file-locks given: save locks; else a lock fails the dump. */
    boolean fileLocks;
    /** pseudo-terminal fds and their tty-info.img entries */
    TtyDumper ttys;

    FdDumper(FileTable files, Extra extra, ShmemDumper shmem) {
        this.files = files;
        this.extra = extra;
        this.shmem = shmem;
    }

    /** Saves every fd of the task; returns its fdinfo entries in fd order. */
    List<FdinfoEntry> dump(TaskNode t) throws DumpException, IOException {
        List<FdinfoEntry> out = new ArrayList<>();
        try (Fd pidfd = Pidfd.open(t.pid)) {
            for (int fd : ProcFs.fds(t.pid)) {
                String link;
                Fdinfo fi;
                try {
                    link = ProcFs.readlink(ProcFs.pid(t.pid).resolve("fd").resolve(Integer.toString(fd)));
                    fi = Fdinfo.read(t.pid, fd);
                } catch (java.nio.file.NoSuchFileException e) {
                    continue; // closed meanwhile (cannot happen while frozen)
                }
                FdTypes type = kind(t, fd, link, fi);
                if (type == FdTypes.REG && isFifo(t, fd)) type = FdTypes.FIFO;
                if (type == FdTypes.UNIXSK && extra.inet != null && extra.inet.isInet(t.pid, fd)) type = FdTypes.INETSK;
                int fdflags = (fi.flags() & O_CLOEXEC) != 0 ? FD_CLOEXEC : 0;
                int id = save(t, pidfd, fd, link, fi, type);
                for (String l : fi.locks()) lock(t, fd, l);
                out.add(FdinfoEntry.newBuilder().setId(id).setFlags(fdflags).setType(type).setFd(fd).build());
            }
        } catch (Errno e) {
            throw new DumpException("task " + t.pid + ": cannot read its fds: " + e.getMessage(), e);
        }
        return out;
    }

    /** Classifies an fd by its link and fdinfo; unsupported kinds fail the dump naming task, fd and kind. */
    static FdTypes kind(TaskNode t, int fd, String link, Fdinfo fi) throws DumpException {
        if (link.startsWith("pipe:[")) return FdTypes.PIPE;
        if (link.startsWith("socket:[")) return FdTypes.UNIXSK; // refined by the socket dumper
        if (link.startsWith("anon_inode:")) {
            String k = link.substring(11);
            switch (k) {
                case "[eventfd]": return FdTypes.EVENTFD;
                case "[eventpoll]": return FdTypes.EVENTPOLL;
                case "[signalfd]": return FdTypes.SIGNALFD;
                case "[timerfd]": return FdTypes.TIMERFD;
                case "inotify": return FdTypes.INOTIFY;
                case "[fanotify]": return FdTypes.FANOTIFY;
                default: throw unsupported(t, fd, k);
            }
        }
        if (link.startsWith("/memfd:")) return FdTypes.MEMFD;
        if (link.startsWith("/")) {
            if (link.startsWith("/dev/pts/") || link.startsWith("/dev/tty") || link.equals("/dev/console")
                    || link.equals("/dev/ptmx")) {
                // which terminal it is (pty master or slave, or one jcriu refuses) is the TtyDumper's question
                return FdTypes.TTY;
            }
            return FdTypes.REG;
        }
        throw unsupported(t, fd, link);
    }

    static DumpException unsupported(TaskNode t, int fd, String kind) {
        return new DumpException("task " + t.pid + ": fd " + fd + " is " + kind + ", which jcriu cannot save yet");
    }

    private int save(TaskNode t, Fd pidfd, int fd, String link, Fdinfo fi, FdTypes type)
            throws DumpException, IOException {
        String key = type + ":" + fi.ino() + ":" + link;
        for (Seen s : seen) {
            if (s.key.equals(key) && Trace.kcmp(s.pid, t.pid, Trace.KCMP_FILE, s.fd, fd) == 0) return s.id;
        }
        int id = files.newId();
        seen.add(new Seen(t.pid, fd, key, id));
        int flags = fi.flags() & ~O_CLOEXEC;
        switch (type) {
            case REG -> files.add(regFile(t, fd, link, fi, id, flags));
            case FIFO -> {
                // the FIFO's path as a regular file entry, the pipe behind it, its data in fifo-data.img
                Map<String, Object> a = Files.readAttributes(ProcFs.pid(t.pid).resolve("fd").resolve(Integer.toString(fd)),
                        "unix:mode,ino");
                long ino = (Long) a.get("ino");
                String pathKey = "fifo-path:" + ino + ":" + link + ":" + flags;
                Integer regId = files.opened.get(pathKey);
                if (regId == null) {
                    regId = files.newId();
                    files.opened.put(pathKey, regId);
                    files.add(FileEntry.newBuilder().setType(FdTypes.REG).setId(regId).setReg(RegFileEntry.newBuilder()
                            .setId(regId).setFlags(flags).setPos(0).setFown(FileTable.NO_FOWN).setName(link)
                            .setMode((Integer) a.get("mode"))).build());
                }
                if (extra.pipesSeen.putIfAbsent(ino, Boolean.TRUE) == null) pipeData(t, fd, ino, extra.fifoData);
                files.add(FileEntry.newBuilder().setType(FdTypes.FIFO).setId(id).setFifo(org.jcriu.images.proto.FifoEntry
                        .newBuilder().setId(id).setPipeId((int) ino).setRegfId(regId)).build());
            }
            case PIPE -> files.add(pipe(t, fd, link, fi, id, flags));
            case MEMFD -> {
                Path p = ProcFs.pid(t.pid).resolve("fd").resolve(Integer.toString(fd));
                int inodeId = shmem.inode(p, fi.ino(), MemoryDumper.memfdName(link));
                files.add(FileEntry.newBuilder().setType(type).setId(id).setMemfd(org.jcriu.images.proto.MemfdFileEntry
                        .newBuilder().setId(id).setFlags(flags).setPos(fi.pos()).setFown(FileTable.NO_FOWN)
                        .setInodeId(inodeId)).build());
            }
            case INOTIFY -> files.add(inotify(t, fi, id, flags));
            case UNIXSK -> files.add(socket(t, pidfd, fd, link, fi, id, flags));
            case INETSK -> files.add(extra.inet.entry(t.pid, fd, id, flags));
            case TTY -> {
                for (FileEntry e : ttys.file(t, pidfd, fd, link, id, files.newId(), flags)) files.add(e);
            }
            case EVENTFD -> files.add(FileEntry.newBuilder().setType(type).setId(id).setEfd(EventfdFileEntry.newBuilder()
                    .setId(id).setFlags(flags | (fi.eventfdSemaphore() ? EFD_SEMAPHORE : 0)).setFown(FileTable.NO_FOWN)
                    .setCounter(fi.eventfdCount())).build());
            case SIGNALFD -> files.add(FileEntry.newBuilder().setType(type).setId(id).setSgfd(SignalfdEntry.newBuilder()
                    .setId(id).setFlags(flags).setFown(FileTable.NO_FOWN).setSigmask(fi.sigmask())).build());
            case TIMERFD -> {
                long[] v = fi.itValue(), in = fi.itInterval();
                files.add(FileEntry.newBuilder().setType(type).setId(id).setTfd(TimerfdEntry.newBuilder().setId(id)
                        .setFlags(flags).setFown(FileTable.NO_FOWN).setClockid(fi.clockid()).setTicks(fi.ticks())
                        .setSettimeFlags(fi.settimeFlags()).setVsec(v[0]).setVnsec(v[1]).setIsec(in[0])
                        .setInsec(in[1])).build());
            }
            case EVENTPOLL -> {
                EventpollFileEntry.Builder e = EventpollFileEntry.newBuilder().setId(id).setFlags(flags)
                        .setFown(FileTable.NO_FOWN);
                for (Fdinfo.EpollTarget tg : fi.epollTargets()) {
                    e.addTfd(EventpollTfdEntry.newBuilder().setId(0).setTfd(tg.tfd()).setEvents(tg.events())
                            .setData(tg.data()).setDev(tg.sdev()).setInode(tg.ino()).setPos(tg.pos()));
                }
                files.add(FileEntry.newBuilder().setType(type).setId(id).setEpfd(e).build());
            }
            default -> throw unsupported(t, fd, type.name().toLowerCase() + " (" + link + ")");
        }
        return id;
    }

    private FileEntry regFile(TaskNode t, int fd, String link, Fdinfo fi, int id, int flags)
            throws IOException, DumpException {
        Path p = ProcFs.pid(t.pid).resolve("fd").resolve(Integer.toString(fd));
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,dev,ino,uid,gid,nlink,lastAccessTime,lastModifiedTime");
        int mode = (Integer) a.get("mode");
        boolean deleted = link.endsWith(" (deleted)") && (Integer) a.get("nlink") == 0;
        String name = deleted ? link.substring(0, link.length() - 10) : link;
        RegFileEntry.Builder r = RegFileEntry.newBuilder().setId(id).setFlags(flags).setPos(fi.pos())
                .setFown(FileTable.NO_FOWN).setName(name).setMode(mode);
        int fmt = mode & 0170000;
        if (fmt == 0100000) r.setSize((Long) a.get("size"));
        if (deleted) {
            if (fmt != 0100000) throw unsupported(t, fd, "an unlinked non-regular file " + name);
            ghost(t, "fd " + fd, p, id, a, name);
        }
        return FileEntry.newBuilder().setType(FdTypes.REG).setId(id).setReg(r).build();
    }

    /** An unlinked regular file: its whole content goes to ghost-file-N.img, CRIU's way. */
    void ghost(TaskNode t, String what, Path p, int id, Map<String, Object> a, String name) throws IOException {
        long size = (Long) a.get("size");
        if (size > (64L << 20)) throw new IOException("task " + t.pid + ": " + what + ": unlinked file " + name
                + " is larger than 64 MiB");
        ByteBuffer data = ByteBuffer.allocateDirect((int) Math.max(size, 1));
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ)) {
            long off = 0;
            while (off < size) {
                int n = ch.read(data, off);
                if (n <= 0) break;
                off += n;
            }
        }
        data.flip();
        long dev = (Long) a.get("dev");
        int kdev = (int) (((dev >>> 8) & 0xfff) << 20 | (dev & 0xff) | ((dev >>> 12) & 0xfff00));
        long at = ((java.nio.file.attribute.FileTime) a.get("lastAccessTime")).to(java.util.concurrent.TimeUnit.MICROSECONDS);
        long mt = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.MICROSECONDS);
        GhostFileEntry g = GhostFileEntry.newBuilder().setUid((Integer) a.get("uid")).setGid((Integer) a.get("gid"))
                .setMode((Integer) a.get("mode")).setDev(kdev).setIno((Long) a.get("ino"))
                .setAtim(Timeval.newBuilder().setTvSec(at / 1_000_000).setTvUsec(at % 1_000_000))
                .setMtim(Timeval.newBuilder().setTvSec(mt / 1_000_000).setTvUsec(mt % 1_000_000)).build();
        int gid = extra.nextGhostId++;
        extra.ghosts.add(new Object[] {g, data, gid});
        extra.remaps.add(RemapFilePathEntry.newBuilder().setOrigId(id).setRemapId(gid).setRemapType(RemapType.GHOST).build());
    }

    private static final int AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;

    /** A socket: unix sockets are saved with their queue; any other family fails the dump, naming it. */
    private FileEntry socket(TaskNode t, Fd pidfd, int fd, String link, Fdinfo fi, int id, int flags)
            throws IOException, DumpException {
        long ino = Long.parseLong(link.substring(8, link.length() - 1));
        try (Fd copy = Pidfd.getfd(pidfd, fd)) {
            int domain = Sockets.getInt(copy.fd(), Sockets.SOL_SOCKET, Sockets.SO_DOMAIN);
            int type = Sockets.getInt(copy.fd(), Sockets.SOL_SOCKET, Sockets.SO_TYPE);
            if (domain != SockDiag.AF_UNIX) {
                String kind = switch (domain) {
                    case AF_INET, AF_INET6 -> (type == 1 ? "a TCP" : type == 2 ? "a UDP" : "a raw") + " socket ("
                            + (domain == AF_INET ? "IPv4" : "IPv6") + ")"
                            + (type == 1 ? "; --tcp-established is not supported yet" : "");
                    case AF_NETLINK -> "a netlink socket";
                    case AF_PACKET -> "a packet socket";
                    default -> "a socket of family " + domain;
                };
                throw unsupported(t, fd, kind);
            }
            if (unixDiag == null) {
                unixDiag = SockDiag.unixSockets();
                for (SockDiag.UnixSocket l : unixDiag.values()) {
                    for (long client : l.icons()) listenerOfIcon.put(client, l.ino());
                }
            }
            SockDiag.UnixSocket u = unixDiag.get(ino);
            if (u == null) throw unsupported(t, fd, "a unix socket the kernel does not describe (another network namespace?)");
            // a connection not yet accepted: UNIX_DIAG_ICONS of the listener names its client;
            // saved as CRIU does, with the listener as the client's peer (the restore connects again)
            long peer = u.peer();
            Long listener = listenerOfIcon.get(ino);
            if (listener != null) peer = listener;
            for (long icon : u.icons()) {
                extra.unixIconsNeeded.put(icon, "task " + t.pid + ": fd " + fd + " (listening unix socket)");
            }
            if (u.state() == 10) embryos(t, fd, copy, u);
            extra.unixSaved.put(ino, id);
            if (peer != 0) extra.unixPeersNeeded.put(peer, "task " + t.pid + ": fd " + fd);
            if (listener != null) extra.unixIconClients.put(ino, listener);
            UnixSkEntry.Builder e = UnixSkEntry.newBuilder().setId(id).setIno((int) ino).setType(u.type())
                    .setState(u.state()).setFlags(flags).setUflags(0).setBacklog(u.wqueue()).setPeer((int) peer)
                    .setFown(FileTable.NO_FOWN).setOpts(opts(copy.fd()))
                    .setName(com.google.protobuf.ByteString.copyFrom(u.name())).setNsId(netNsId);
            if (u.shutdown() != 0) e.setShutdown(SkShutdown.forNumber(u.shutdown() & 3));
            if (u.rqueue() > 0 && u.state() != 10) queue(t, fd, copy, id, u.type() != 1);
            return FileEntry.newBuilder().setType(FdTypes.UNIXSK).setId(id).setUsk(e).build();
        }
    }

    /**
     * Pending connections of a listener: data their clients sent sits on the embryo sockets, which only
     * accept() reaches (sock_diag gives them no inode). They are all accepted here, in the order
     * UNIX_DIAG_ICONS lists their clients, and their data read, which consumes them: not with
     * --leave-running (their data is then not saved). The restore connects each client again and
     * sends the data from it.
     */
    private void embryos(TaskNode t, int fd, Fd copy, SockDiag.UnixSocket l) throws IOException {
        if (l.icons().length == 0) return;
        if (extra.leaveRunning) {
            Log.warn("task " + t.pid + ": fd " + fd + ": data sent on connections pending on this listening socket is not saved with --leave-running");
            return;
        }
        Memory buf = new Memory(1 << 20);
        for (long client : l.icons()) {
            long a = Sockets.accept(copy.fd());
            if (a < 0) break;
            try (Fd emb = new Fd((int) a)) {
                List<ByteBuffer> chunks = new ArrayList<>();
                for (;;) {
                    long n = Sockets.recv(emb.fd(), buf, buf.size(), Sockets.MSG_DONTWAIT);
                    if (n <= 0) break;
                    ByteBuffer d = ByteBuffer.allocateDirect((int) n);
                    d.put(buf.getByteBuffer(0, n)).flip();
                    chunks.add(d);
                }
                if (!chunks.isEmpty()) extra.embryoData.put(client, chunks);
            }
        }
    }

    private static SkOptsEntry opts(int s) throws Errno {
        long[] snd = Sockets.getTimeval(s, Sockets.SO_SNDTIMEO), rcv = Sockets.getTimeval(s, Sockets.SO_RCVTIMEO);
        return SkOptsEntry.newBuilder().setSoSndbuf(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF))
                .setSoRcvbuf(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF)).setSoSndTmoSec(snd[0])
                .setSoSndTmoUsec(snd[1]).setSoRcvTmoSec(rcv[0]).setSoRcvTmoUsec(rcv[1])
                .setReuseaddr(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR) != 0)
                .setSoPriority(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_PRIORITY))
                .setSoRcvlowat(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_RCVLOWAT))
                .setSoPasscred(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_PASSCRED) != 0)
                .setSoPasssec(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_PASSSEC) != 0)
                .setSoDontroute(false).setSoNoCheck(false)
                .setSoReuseport(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT) != 0)
                .setSoBroadcast(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_BROADCAST) != 0)
                .setSoKeepalive(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE) != 0)
                .setSoOobinline(Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_OOBINLINE)).setSoBufLock(0).build();
    }

    /**
     * The receive queue, read without consuming it: SO_PEEK_OFF from 0 and MSG_PEEK reads
     * (each one moves the peek offset on), then the offset put back.
     */
    private void queue(TaskNode t, int fd, Fd copy, int id, boolean senders) throws IOException {
        int s = copy.fd();
        int old = Sockets.getInt(s, Sockets.SOL_SOCKET, Sockets.SO_PEEK_OFF);
        Memory buf = new Memory(1 << 20);
        try {
            Sockets.setInt(s, Sockets.SOL_SOCKET, Sockets.SO_PEEK_OFF, 0);
            for (int guard = 0; guard < 100_000; guard++) {
                byte[][] from = {new byte[0]};
                long n = senders ? Sockets.recvfrom(s, buf, buf.size(), Sockets.MSG_PEEK | Sockets.MSG_DONTWAIT, from)
                        : Sockets.recv(s, buf, buf.size(), Sockets.MSG_PEEK | Sockets.MSG_DONTWAIT);
                if (n <= 0) break;
                ByteBuffer data = ByteBuffer.allocateDirect((int) n);
                data.put(buf.getByteBuffer(0, n)).flip();
                SkPacketEntry.Builder pe = SkPacketEntry.newBuilder().setIdFor(id).setLength((int) n);
                // a datagram's sender name (sun_path, after the 2-byte family), where it had one
                if (from[0].length > 2) pe.setAddr(com.google.protobuf.ByteString.copyFrom(from[0], 2, from[0].length - 2));
                extra.skQueues.add(new Object[] {pe.build(), data});
            }
        } finally {
            Sockets.setInt(s, Sockets.SOL_SOCKET, Sockets.SO_PEEK_OFF, old);
        }
    }

    /** An inotify instance: its watches from fdinfo, each with the file handle and, where it resolves, the path. */
    private FileEntry inotify(TaskNode t, Fdinfo fi, int id, int flags) throws IOException {
        org.jcriu.images.proto.InotifyFileEntry.Builder b = org.jcriu.images.proto.InotifyFileEntry.newBuilder()
                .setId(id).setFlags(flags).setFown(FileTable.NO_FOWN);
        List<org.jcriu.criu.proc.Mountinfo.Mount> mounts = null;
        for (Fdinfo.InotifyWatch w : fi.inotifyWatches()) {
            byte[] h = new byte[w.fhandleBytes()];
            String hex = w.fhandle();
            for (int i = 0; i < h.length && 2 * i + 1 < hex.length(); i++) {
                h[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
            org.jcriu.images.proto.FhEntry.Builder fh = org.jcriu.images.proto.FhEntry.newBuilder()
                    .setBytes(w.fhandleBytes()).setType(w.fhandleType());
            ByteBuffer hb = ByteBuffer.allocate(128).order(java.nio.ByteOrder.nativeOrder());
            hb.put(h, 0, Math.min(h.length, 128));
            for (int i = 0; i < 16; i++) fh.addHandle(hb.getLong(i * 8));
            if (mounts == null) mounts = org.jcriu.criu.proc.Mountinfo.read(t.pid);
            int major = w.sdev() >>> 20, minor = w.sdev() & 0xfffff;
            for (org.jcriu.criu.proc.Mountinfo.Mount m : mounts) {
                if (m.major() != major || m.minor() != minor) continue;
                String path = Pipes.pathOfHandle(ProcFs.pid(t.pid) + "/root" + m.mountPoint(), w.fhandleType(), h);
                if (path != null) {
                    fh.setPath(path).setMntId(m.mntId());
                    break;
                }
            }
            b.addWd(org.jcriu.images.proto.InotifyWdEntry.newBuilder().setId(id).setIIno(w.ino()).setMask(w.mask())
                    .setIgnoredMask(w.ignoredMask()).setSDev(w.sdev()).setWd(w.wd()).setFHandle(fh));
        }
        return FileEntry.newBuilder().setType(FdTypes.INOTIFY).setId(id).setIfy(b).build();
    }

    private static final int FL_POSIX = 1, FL_FLOCK = 2, FL_OFDLCK = 1024;
    private static final int F_RDLCK = 0, F_WRLCK = 1, LOCK_SH = 1, LOCK_EX = 2;

    /**
     * One "lock:" line of fdinfo, "ID: KIND ADVISORY|MANDATORY READ|WRITE PID MAJ:MIN:INO START END",
     * saved as a FileLockEntry (once per lock id) with --file-locks; without it the dump fails.
     */
    private void lock(TaskNode t, int fd, String line) throws DumpException {
        String[] w = line.trim().split("\\s+");
        if (w.length < 8) return;
        String kind = w[1], rw = w[3];
        if (!fileLocks) {
            throw new DumpException("task " + t.pid + ": fd " + fd + " holds a file lock (" + kind + " " + rw
                    + "); use --file-locks to save it");
        }
        // the leading number counts locks within this fdinfo only: the rest identifies the lock
        String key = String.join(" ", java.util.Arrays.copyOfRange(w, 1, w.length)) + (w[4].equals("-1") ? " " + t.pid + ":" + fd : "");
        if (!extra.lockIds.add(key)) return;
        int flag;
        int type;
        switch (kind) {
            case "FLOCK" -> {
                flag = FL_FLOCK;
                type = rw.equals("READ") ? LOCK_SH : LOCK_EX;
            }
            case "POSIX" -> {
                flag = FL_POSIX;
                type = rw.equals("READ") ? F_RDLCK : F_WRLCK;
            }
            case "OFDLCK" -> {
                flag = FL_OFDLCK;
                type = rw.equals("READ") ? F_RDLCK : F_WRLCK;
            }
            default -> throw unsupported(t, fd, "holding a " + kind + " lock");
        }
        int owner = Integer.parseInt(w[4]);
        long start = Long.parseLong(w[6]);
        long len = w[7].equals("EOF") ? 0 : Long.parseLong(w[7]) - start + 1;
        extra.locks.add(org.jcriu.images.proto.FileLockEntry.newBuilder().setFlag(flag).setType(type)
                .setPid(owner > 0 ? owner : t.pid).setFd(fd).setStart(start).setLen(len).build());
    }

    /** After every task: a unix socket whose peer was not saved is outside the tree. */
    void checkPeers(boolean extUnixSk) throws DumpException {
        // data of pending connections: saved for the client (whose own receive queue is empty), sent again by it
        for (Map.Entry<Long, List<ByteBuffer>> e : extra.embryoData.entrySet()) {
            Integer id = extra.unixSaved.get(e.getKey());
            if (id == null) continue; // the client is outside the tree: refused below
            for (ByteBuffer d : e.getValue()) {
                extra.skQueues.add(new Object[] {SkPacketEntry.newBuilder().setIdFor(id).setLength(d.remaining()).build(), d});
            }
        }
        for (Map.Entry<Long, String> e : extra.unixIconsNeeded.entrySet()) {
            if (!extra.unixIconClients.containsKey(e.getKey())) {
                throw new DumpException(e.getValue() + " has a connection not yet accepted from a client outside the"
                        + " dumped tree, which jcriu cannot save");
            }
        }
        for (Map.Entry<Long, String> e : extra.unixPeersNeeded.entrySet()) {
            if (!extra.unixSaved.containsKey(e.getKey()) && !extUnixSk) {
                throw new DumpException(e.getValue() + " is a unix socket connected to socket " + e.getKey()
                        + " outside the dumped tree (use --ext-unix-sk)");
            }
        }
    }

    /** Pipe (or FIFO) content read without consuming it: tee() from a new read end into a pipe of ours. */
    private void pipeData(TaskNode t, int fd, long ino, List<Object[]> sink) throws IOException {
        Path p = ProcFs.pid(t.pid).resolve("fd").resolve(Integer.toString(fd));
        try (Fd rd = Fd.open(p.toString(), Pipes.O_NONBLOCK | Pipes.O_CLOEXEC)) {
            int bytes = Pipes.available(rd.fd());
            int size = Pipes.size(rd);
            if (bytes > 0) {
                Fd[] mine = Pipes.pipe(Pipes.O_NONBLOCK | Pipes.O_CLOEXEC);
                try {
                    if (Pipes.size(mine[1]) < size) Pipes.setSize(mine[1], size);
                    long got = Pipes.tee(rd, mine[1], bytes, Pipes.SPLICE_F_NONBLOCK);
                    if (got != bytes) throw new IOException("task " + t.pid + ": fd " + fd + ": tee copied " + got
                            + " of " + bytes + " bytes of pipe " + ino);
                    ByteBuffer data = ByteBuffer.allocateDirect(bytes);
                    Pointer ptr = Native.getDirectBufferPointer(data);
                    long n = 0;
                    while (n < bytes) {
                        long r = Pipes.read(mine[0].fd(), ptr.share(n), bytes - n);
                        if (r <= 0) break;
                        n += r;
                    }
                    sink.add(new Object[] {PipeDataEntry.newBuilder().setPipeId((int) ino).setBytes(bytes)
                            .setSize(size).build(), data});
                } finally {
                    mine[0].close();
                    mine[1].close();
                }
            }
        }
    }

    private static boolean isFifo(TaskNode t, int fd) throws IOException {
        Object m = Files.readAttributes(ProcFs.pid(t.pid).resolve("fd").resolve(Integer.toString(fd)), "unix:mode").get("mode");
        return ((Integer) m & 0170000) == 0010000;
    }

    private FileEntry pipe(TaskNode t, int fd, String link, Fdinfo fi, int id, int flags) throws IOException {
        long ino = Long.parseLong(link.substring(6, link.length() - 1));
        if (extra.pipesSeen.putIfAbsent(ino, Boolean.TRUE) == null) pipeData(t, fd, ino, extra.pipeData);
        return FileEntry.newBuilder().setType(FdTypes.PIPE).setId(id).setPipe(PipeEntry.newBuilder().setId(id)
                .setPipeId((int) ino).setFlags(flags).setFown(FileTable.NO_FOWN)).build();
    }

    @SuppressWarnings("unused")
    private static Memory scratch(int n) {
        return new Memory(n);
    }
}
