package org.jcriu.criu.restore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;
import org.jcriu.images.proto.*;
import static org.jcriu.criu.restore.RestorePlan.uint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the fd table of one task, in the task, by batches of syscalls:
 * every open file description is created once (regular files opened and
 * positioned, pipes and socketpairs with their queued data, eventfd, timerfd,
 * signalfd, epoll), parked at a number above every saved fd, then dup3'd to
 * each saved number with its FD_CLOEXEC; epoll sets are filled last, when
 * their targets have their final numbers.
 *
 * <p>A description another task of the tree already holds (an fd inherited
 * across fork, the other end of a pipe or socketpair) is not created again:
 * the task takes a copy of it with pidfd_open + pidfd_getfd, so both share
 * one description (offset, flags, pipe) as before the dump. Ends of pipes
 * and socketpairs that no fd of their creator uses stay open at a spare
 * number until the whole tree has its fds ({@link Shared#closeSpares}).
 */
final class FdRestorer {
    private static final int F_SETFL = 4, NR_pidfd_open = 434, NR_pidfd_getfd = 438, NR_setsockopt = 54;

    /** Descriptions held by tasks restored so far, for the tasks that follow. */
    static final class Shared {
        /** key ("file:ID", "pipe:PIPEID:r|w", "unix:INO") -> {pid, fd} */
        final Map<String, int[]> where = new HashMap<>();
        /** memfd objects: inode id -> {pid, fd} where they were made (kept open until the end) */
        final Map<Long, int[]> memfds = new LinkedHashMap<>();
        /** FIFOs (pipe_id) whose queued data went in already */
        final java.util.Set<Long> fifoFilled = new java.util.HashSet<>();
        /** pid -> spare fds to close at the end */
        final Map<Integer, List<Integer>> spares = new LinkedHashMap<>();

        void closeSpares(Map<Integer, TraceeThread> leaders, Remote remote) throws RestoreException {
            for (var e : spares.entrySet()) {
                TraceeThread rt = leaders.get(e.getKey());
                SyscallBatch b = new SyscallBatch(rt);
                for (int fd : e.getValue()) b.op("close(spare " + fd + ")", Abi.NR_close, fd);
                remote.run(b);
            }
            spares.clear();
        }
    }

    private final RestorePlan plan;
    private final TaskPlan t;
    private final TraceeThread rt;
    private final Shared shared;
    private final Remote remote;
    private final org.jcriu.criu.net.NetworkLockMethod networkLock;

    FdRestorer(Shared shared, RestorePlan plan, TaskPlan t, TraceeThread rt, Remote remote,
            org.jcriu.criu.net.NetworkLockMethod networkLock) {
        this.shared = shared;
        this.remote = remote;
        this.networkLock = networkLock;
        this.plan = plan;
        this.t = t;
        this.rt = rt;
    }

    private static String pipeKey(PipeEntry pipe) {
        return "pipe:" + uint(pipe.getPipeId()) + ((pipe.getFlags() & Abi.O_ACCMODE) == 1 ? ":w" : ":r");
    }

    void restore() throws RestoreException {
        if (t.fds.isEmpty()) return;
        // one open file description per file id, in order of first use
        Map<Long, List<TaskPlan.FdPlan>> byFile = new LinkedHashMap<>();
        int maxFd = 0;
        for (TaskPlan.FdPlan f : t.fds) {
            byFile.computeIfAbsent(f.fileId(), k -> new ArrayList<>()).add(f);
            maxFd = Math.max(maxFd, f.fd());
        }
        // which descriptions come from another task
        Map<Long, int[]> fromOther = new HashMap<>();
        for (long id : byFile.keySet()) {
            FileEntry f = plan.files.get(id);
            int type = f.getType().getNumber();
            int[] w = shared.where.get("file:" + id);
            if (w == null && type == RestorePlan.FD_PIPE) w = shared.where.get(pipeKey(f.getPipe()));
            if (w == null && type == 5) w = shared.where.get("unix:" + uint(f.getUsk().getIno()));
            if (w == null && type == 4) w = org.jcriu.criu.net.InetSockets.handOver(plan.images.dir, id, networkLock); // inet: from our copy
            if (w != null) fromOther.put(id, w);
        }

        // prelude: pipes and socketpairs, whose fds come back in memory
        SyscallBatch b = new SyscallBatch(rt);
        Map<Long, long[]> pipes = new HashMap<>(); // pipe_id -> {op, addr}
        Map<Long, long[]> pairs = new HashMap<>(); // unix ino of either end -> {op, addr, firstIno, peerIno}
        for (long id : byFile.keySet()) {
            if (fromOther.containsKey(id)) continue;
            FileEntry f = plan.files.get(id);
            int type = f.getType().getNumber();
            if (type == RestorePlan.FD_PIPE) {
                long pipeId = uint(f.getPipe().getPipeId());
                if (!pipes.containsKey(pipeId)) {
                    long a = b.alloc(8);
                    pipes.put(pipeId, new long[] {b.op("pipe2 for pipe " + pipeId, Abi.NR_pipe2, a, 0), a});
                }
            } else if (type == 5 && isPair(f.getUsk())) {
                UnixSkEntry u = f.getUsk();
                long ino = uint(u.getIno()), peer = uint(u.getPeer());
                if (!pairs.containsKey(ino)) {
                    long a = b.alloc(8);
                    long[] p = {b.op("socketpair for unix socket " + ino, Abi.NR_socketpair, 1, u.getType(), 0, a), a, ino, peer};
                    pairs.put(ino, p);
                    if (peer != 0) pairs.put(peer, p);
                }
            }
        }
        Map<Long, int[]> pipeFds = new HashMap<>();
        Map<Long, int[]> pairFds = new HashMap<>();
        int preludeMax = 0;
        if (b.size() > 0) {
            remote.run(b);
            for (var e : pipes.entrySet()) {
                int[] fds = ints(b.read(e.getValue()[1], 8));
                pipeFds.put(e.getKey(), fds);
                preludeMax = Math.max(preludeMax, Math.max(fds[0], fds[1]));
            }
            for (var e : pairs.entrySet()) {
                int[] fds = ints(b.read(e.getValue()[1], 8));
                // end 0 is the socket whose ino is firstIno
                int[] mine = e.getKey() == e.getValue()[2] ? new int[] {fds[0], fds[1]} : new int[] {fds[1], fds[0]};
                pairFds.put(e.getKey(), mine);
                preludeMax = Math.max(preludeMax, Math.max(fds[0], fds[1]));
            }
        }
        // parking slots sit above every saved fd and above any number a creation below can return
        int high = Math.max(maxFd, preludeMax) + 1 + byFile.size() + 8;
        int spareSlot = high + byFile.size();

        // main: create, fill queues, park every description at high+k
        for (long id : byFile.keySet()) {
            FileEntry f = plan.files.get(id);
            if (fromOther.containsKey(id) || f.getType().getNumber() != 5) continue;
            UnixSkEntry u = f.getUsk();
            if (!isPair(u) && listenerOf(u) == null) clearStale(uname(u));
        }
        b = new SyscallBatch(rt);
        for (var e : pipeFds.entrySet()) {
            Long size = plan.pipeSize.get(e.getKey());
            if (size != null && size > 0) {
                b.op("fcntl(F_SETPIPE_SZ, " + size + ") pipe " + e.getKey(), Abi.NR_fcntl, e.getValue()[1], 1031, size);
            }
            byte[] data = plan.pipeData.get(e.getKey());
            if (data != null && data.length > 0) {
                // non-blocking while filled: more data than room fails instead of hanging
                b.op("fcntl(F_SETFL, O_NONBLOCK) pipe", Abi.NR_fcntl, e.getValue()[1], F_SETFL, Abi.O_NONBLOCK);
                b.flags(b.op("write(pipe " + e.getKey() + ", queued data)", Abi.NR_write, e.getValue()[1], b.bytes(data), data.length), SyscallBatch.FULL_LENGTH);
                b.op("fcntl(F_SETFL, 0) pipe", Abi.NR_fcntl, e.getValue()[1], F_SETFL, 0);
            }
        }
        // socket buffer sizes before the queues are refilled (the kernel doubles what it is given)
        for (var e : pairFds.entrySet()) {
            FileEntry f = unixFile(e.getKey());
            if (f == null) continue;
            SkOptsEntry opts = f.getUsk().getOpts();
            int fd = e.getValue()[0];
            if (opts.getSoSndbuf() != 0) b.op("setsockopt(SO_SNDBUFFORCE)", NR_setsockopt, fd, 1, 32, b.longs(uint(opts.getSoSndbuf()) / 2), 4);
            if (opts.getSoRcvbuf() != 0) b.op("setsockopt(SO_RCVBUFFORCE)", NR_setsockopt, fd, 1, 33, b.longs(uint(opts.getSoRcvbuf()) / 2), 4);
            if (opts.getSoPasscred()) b.op("setsockopt(SO_PASSCRED)", NR_setsockopt, fd, 1, 16, b.longs(1), 4);
        }
        for (Images.Entry<SkPacketEntry> q : plan.sockQueues()) {
            long idFor = uint(q.msg().getIdFor());
            FileEntry f = plan.files.get(idFor);
            if (f == null || !f.hasUsk()) continue;
            int[] mine = pairFds.get(uint(f.getUsk().getIno()));
            if (mine == null) continue;
            // queued on idFor's receive side: send it from the peer end
            b.flags(b.op("send(queued data of unix socket id " + idFor + ")", Abi.NR_write, mine[1], b.bytes(q.payload()), q.payload().length), SyscallBatch.FULL_LENGTH);
        }
        Map<Long, Integer> parked = new LinkedHashMap<>();
        List<Long> epolls = new ArrayList<>();
        java.util.Set<Integer> usedPrelude = new java.util.HashSet<>();
        int k = 0;
        for (long id : byFile.keySet()) {
            FileEntry f = plan.files.get(id);
            int type = f.getType().getNumber();
            int firstFd = byFile.get(id).get(0).fd();
            int slot = high + k++;
            parked.put(id, slot);
            int src = -1;   // op index whose result is the fd
            long known = -1; // or a known fd number
            int[] other = fromOther.get(id);
            if (other != null) {
                int pfd = b.op("pidfd_open(" + other[0] + ") for fd " + firstFd, NR_pidfd_open, other[0], 0);
                src = b.op("pidfd_getfd(" + other[0] + ", " + other[1] + ") for fd " + firstFd + " of task " + t.pid,
                        NR_pidfd_getfd, 0, other[1], 0);
                b.useResult(src, 1, pfd);
                int d = b.op("dup3 (park)", Abi.NR_dup3, 0, slot, 0);
                b.useResult(d, 1, src);
                b.useResult(b.op("close", Abi.NR_close, 0), 1, src);
                b.useResult(b.op("close(pidfd)", Abi.NR_close, 0), 1, pfd);
                continue;
            }
            switch (type) {
                case RestorePlan.FD_REG -> {
                    RegFileEntry reg = f.getReg();
                    String path = plan.regPath(id, "fd " + firstFd + " of task " + t.pid);
                    int flags = reg.getFlags() & ~(Abi.O_CREAT | Abi.O_EXCL | Abi.O_TRUNC | Abi.O_CLOEXEC);
                    src = b.op("open(" + path + ") for fd " + firstFd, Abi.NR_openat, Abi.AT_FDCWD, b.str(path), flags, 0);
                    if (reg.getPos() != 0) {
                        int op = b.op("lseek(" + path + ", " + reg.getPos() + ")", Abi.NR_lseek, 0, reg.getPos(), 0);
                        b.useResult(op, 1, src);
                    }
                }
                case RestorePlan.FD_PIPE -> {
                    PipeEntry p = f.getPipe();
                    int[] fds = pipeFds.get(uint(p.getPipeId()));
                    boolean write = (p.getFlags() & Abi.O_ACCMODE) == 1;
                    known = write ? fds[1] : fds[0];
                    b.op("fcntl(F_SETFL) pipe", Abi.NR_fcntl, known, F_SETFL, p.getFlags() & Abi.O_NONBLOCK);
                }
                case 5 -> {
                    UnixSkEntry u = f.getUsk();
                    if (!isPair(u)) {
                        if (listenerOf(u) != null) {
                            // an accepted connection: made below by connect + accept, once its listener exists
                            accepted.add(id);
                            continue;
                        }
                        long nb = (u.getFlags() & Abi.O_NONBLOCK) != 0 ? Abi.O_NONBLOCK : 0; // SOCK_NONBLOCK
                        src = b.op("socket(AF_UNIX, " + u.getType() + ") for fd " + firstFd, 41, 1, u.getType() | nb, 0);
                        byte[] name = uname(u);
                        if (name.length > 0) {
                            b.useResult(b.op("bind(" + show(name) + ") for fd " + firstFd + " of task " + t.pid, 49, 0,
                                    sockaddr(b, name), 2 + name.length), 1, src);
                        }
                        if (u.getState() == 10) b.useResult(b.op("listen(" + u.getBacklog() + ") for fd " + firstFd, 50, 0, u.getBacklog()), 1, src);
                        if (uint(u.getPeer()) != 0) connects.add(id);
                        break;
                    }
                    if (uint(u.getPeer()) == 0) {
                        // neither bound nor connected: a plain socket
                        src = b.op("socket(AF_UNIX, " + u.getType() + ")", 41, 1, u.getType(), 0);
                        if ((u.getFlags() & Abi.O_NONBLOCK) != 0) {
                            b.useResult(b.op("fcntl(F_SETFL) unix socket", Abi.NR_fcntl, 0, F_SETFL, Abi.O_NONBLOCK), 1, src);
                        }
                        break;
                    }
                    known = pairFds.get(uint(u.getIno()))[0];
                    if ((u.getFlags() & Abi.O_NONBLOCK) != 0) b.op("fcntl(F_SETFL) unix socket", Abi.NR_fcntl, known, F_SETFL, Abi.O_NONBLOCK);
                }
                case RestorePlan.FD_FIFO -> {
                    // a helper O_RDWR open keeps the other side present, so no open blocks; it also refills the data
                    FifoEntry fifo = f.getFifo();
                    RegFileEntry reg = plan.files.get(uint(fifo.getRegfId())).getReg();
                    String path = plan.regPath(uint(fifo.getRegfId()), "FIFO of fd " + firstFd + " of task " + t.pid);
                    long pipeId = uint(fifo.getPipeId());
                    int helper = b.op("open(" + path + ", O_RDWR) helper", Abi.NR_openat, Abi.AT_FDCWD, b.str(path),
                            2 | Abi.O_NONBLOCK | Abi.O_CLOEXEC, 0);
                    byte[] data = plan.fifoData.get(pipeId);
                    if (data != null && data.length > 0 && shared.fifoFilled.add(pipeId)) {
                        int w = b.op("write(FIFO " + path + ", queued data)", Abi.NR_write, 0, b.bytes(data), data.length);
                        b.useResult(w, 1, helper).flags(w, SyscallBatch.FULL_LENGTH);
                    }
                    int flags = reg.getFlags() & ~(Abi.O_CREAT | Abi.O_EXCL | Abi.O_TRUNC | Abi.O_CLOEXEC);
                    src = b.op("open(" + path + ") for fd " + firstFd, Abi.NR_openat, Abi.AT_FDCWD, b.str(path),
                            flags | Abi.O_NONBLOCK, 0);
                    b.useResult(b.op("fcntl(F_SETFL) FIFO", Abi.NR_fcntl, 0, F_SETFL, flags & Abi.O_NONBLOCK), 1, src);
                    fifoHelpers.add(helper);
                }
                case RestorePlan.FD_MEMFD -> {
                    // a new open of the memfd object made for the mappings, with this fd's flags and offset
                    MemfdFileEntry m = f.getMemfd();
                    int[] obj = shared.memfds.get(uint(m.getInodeId()));
                    String path = "/proc/" + (obj[0] == t.pid ? "self" : Integer.toString(obj[0])) + "/fd/" + obj[1];
                    int flags = m.getFlags() & ~(Abi.O_CREAT | Abi.O_EXCL | Abi.O_TRUNC | Abi.O_CLOEXEC);
                    src = b.op("open(" + path + ") memfd for fd " + firstFd, Abi.NR_openat, Abi.AT_FDCWD, b.str(path), flags, 0);
                    if (m.getPos() != 0) b.useResult(b.op("lseek(memfd, " + m.getPos() + ")", Abi.NR_lseek, 0, m.getPos(), 0), 1, src);
                }
                case RestorePlan.FD_INOTIFY -> {
                    InotifyFileEntry ify = f.getIfy();
                    src = b.op("inotify_init1", 294, ify.getFlags() & Abi.O_NONBLOCK);
                    List<InotifyWdEntry> ws = new ArrayList<>(ify.getWdList());
                    ws.sort(java.util.Comparator.comparingLong(w -> uint(w.getWd())));
                    long next = 1;
                    for (InotifyWdEntry w : ws) {
                        long wd = uint(w.getWd());
                        // watch descriptors come in order: fill gaps with watches added and removed at once
                        for (; next < wd; next++) {
                            int d = b.op("inotify_add_watch(filler)", 254, 0, b.str("/"), 1);
                            b.useResult(d, 1, src);
                            int r = b.op("inotify_rm_watch(filler)", 255, 0, next);
                            b.useResult(r, 1, src);
                        }
                        String path = w.getFHandle().getPath();
                        int a = b.op("inotify_add_watch(" + path + ") for fd " + firstFd, 254, 0, b.str(path), uint(w.getMask()));
                        b.useResult(a, 1, src);
                        inotifyChecks.add(new long[] {a, wd});
                        next = wd + 1;
                    }
                }
                case RestorePlan.FD_EVENTFD -> {
                    EventfdFileEntry e = f.getEfd();
                    // EFD_SEMAPHORE (1) where the image records it in flags
                    src = b.op("eventfd2(" + e.getCounter() + ")", Abi.NR_eventfd2, e.getCounter(), e.getFlags() & (Abi.O_NONBLOCK | 1));
                }
                case RestorePlan.FD_TIMERFD -> {
                    TimerfdEntry e = f.getTfd();
                    src = b.op("timerfd_create", Abi.NR_timerfd_create, e.getClockid(), e.getFlags() & Abi.O_NONBLOCK);
                    long vsec = e.getVsec(), vnsec = e.getVnsec();
                    if (vsec == 0 && vnsec == 0 && (e.getIsec() != 0 || e.getInsec() != 0)) {
                        // a periodic timer caught between expiry and re-arm: next tick one interval away
                        vsec = e.getIsec();
                        vnsec = e.getInsec();
                    }
                    if (vsec != 0 || vnsec != 0) {
                        long its = b.longs(e.getIsec(), e.getInsec(), vsec, vnsec);
                        // the saved value is the time left, relative: TFD_TIMER_ABSTIME (and CANCEL_ON_SET, which needs it) off
                        int op = b.op("timerfd_settime", Abi.NR_timerfd_settime, 0, uint(e.getSettimeFlags()) & ~3L, its, 0);
                        b.useResult(op, 1, src);
                    }
                    if (e.getTicks() != 0) {
                        // expirations not read yet: TFD_IOC_SET_TICKS, after the settime, which zeroes them
                        int op = b.op("ioctl(TFD_IOC_SET_TICKS, " + e.getTicks() + ")", 16, 0, 0x40085400L, b.longs(e.getTicks()));
                        b.useResult(op, 1, src);
                    }
                }
                case RestorePlan.FD_SIGNALFD -> {
                    SignalfdEntry e = f.getSgfd();
                    src = b.op("signalfd4", Abi.NR_signalfd4, -1, b.longs(e.getSigmask()), 8, e.getFlags() & Abi.O_NONBLOCK);
                }
                case RestorePlan.FD_EVENTPOLL -> {
                    src = b.op("epoll_create1", Abi.NR_epoll_create1, 0);
                    epolls.add(id);
                }
                default -> throw new RestoreException("fd " + firstFd + " of task " + t.pid
                        + " is of kind " + type + ", not supported yet (files.img id " + id + ")");
            }
            if (src >= 0) {
                int d = b.op("dup3 (park)", Abi.NR_dup3, 0, slot, 0);
                b.useResult(d, 1, src);
                int c = b.op("close", Abi.NR_close, 0);
                b.useResult(c, 1, src);
            } else {
                b.op("dup3 (park)", Abi.NR_dup3, known, slot, 0);
                usedPrelude.add((int) known);
            }
        }
        namedUnix(b, byFile, parked);
        for (int h : fifoHelpers) b.useResult(b.op("close(FIFO helper)", Abi.NR_close, 0), 1, h);
        // ends of pipes and socketpairs no fd here uses: kept at spare numbers for the other tasks
        List<Integer> spares = new ArrayList<>();
        for (var e : pipeFds.entrySet()) {
            for (int end = 0; end < 2; end++) {
                int fd = e.getValue()[end];
                String key = "pipe:" + e.getKey() + (end == 1 ? ":w" : ":r");
                if (!usedPrelude.contains(fd)) {
                    b.op("dup3 (spare pipe end)", Abi.NR_dup3, fd, spareSlot, 0);
                    shared.where.put(key, new int[] {t.pid, spareSlot});
                    spares.add(spareSlot++);
                }
                b.op("close", Abi.NR_close, fd);
            }
        }
        java.util.Set<Integer> closed = new java.util.HashSet<>();
        java.util.Set<long[]> seenPairs = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (var e : pairs.entrySet()) {
            long[] p = e.getValue();
            if (!seenPairs.add(p)) continue;
            int[] fds = pairFds.get(p[2]);
            long[] inos = {p[2], p[3]};
            for (int end = 0; end < 2; end++) {
                if (inos[end] == 0) continue;
                if (!usedPrelude.contains(fds[end])) {
                    b.op("dup3 (spare socket end)", Abi.NR_dup3, fds[end], spareSlot, 0);
                    shared.where.put("unix:" + inos[end], new int[] {t.pid, spareSlot});
                    spares.add(spareSlot++);
                }
            }
            for (int fd : fds) if (closed.add(fd)) b.op("close", Abi.NR_close, fd);
        }
        if (!spares.isEmpty()) shared.spares.put(t.pid, spares);
        // each saved number from its parked description, then the parking slots closed
        for (TaskPlan.FdPlan fd : t.fds) {
            b.op("dup3 to fd " + fd.fd(), Abi.NR_dup3, parked.get(fd.fileId()), fd.fd(), fd.cloexec() ? Abi.O_CLOEXEC : 0);
        }
        for (int slot : parked.values()) b.op("close", Abi.NR_close, slot);
        // epoll sets, now that their targets have their numbers
        for (long ep : epolls) {
            EventpollFileEntry f = plan.files.get(ep).getEpfd();
            int epfd = byFile.get(ep).get(0).fd();
            for (EventpollTfdEntry tfd : f.getTfdList()) {
                ByteBuffer bb = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
                bb.putInt(tfd.getEvents()).putLong(tfd.getData());
                long a = b.bytes(bb.array());
                b.op("epoll_ctl(" + epfd + ", ADD, " + tfd.getTfd() + ")", Abi.NR_epoll_ctl, epfd, 1, tfd.getTfd(), a);
            }
        }
        remote.run(b);
        for (long[] c : inotifyChecks) {
            if (b.result((int) c[0]) != c[1]) {
                throw new RestoreException("inotify watch of task " + t.pid + " came back as wd " + b.result((int) c[0]) + ", saved " + c[1]);
            }
        }
        // what this task now holds, for the tasks that follow
        for (var e : byFile.entrySet()) {
            int fd = e.getValue().get(0).fd();
            long id = e.getKey();
            FileEntry f = plan.files.get(id);
            shared.where.putIfAbsent("file:" + id, new int[] {t.pid, fd});
            int type = f.getType().getNumber();
            if (type == RestorePlan.FD_PIPE) shared.where.putIfAbsent(pipeKey(f.getPipe()), new int[] {t.pid, fd});
            if (type == 5) shared.where.putIfAbsent("unix:" + uint(f.getUsk().getIno()), new int[] {t.pid, fd});
        }
    }

    private final Map<Long, FileEntry> unixByIno = new HashMap<>();
    /** file ids of unix sockets made by accept (after the main creations), and of sockets to connect by name */
    private final List<Long> accepted = new ArrayList<>(), connects = new ArrayList<>();

    /** A socketpair's end: connected, both ends unnamed and each the other's peer. */
    private boolean isPair(UnixSkEntry u) {
        long peer = uint(u.getPeer());
        if (peer == 0 || uname(u).length > 0 || u.getState() == 10) return false;
        FileEntry pf = unixFile(peer);
        if (pf == null) return true; // outside the tree: refused by the plan
        UnixSkEntry p = pf.getUsk();
        return uname(p).length == 0 && uint(p.getPeer()) == uint(u.getIno());
    }

    /** For a connection accepted from a listener of the image (it carries the listener's name): that listener. */
    private UnixSkEntry listenerOf(UnixSkEntry u) {
        byte[] name = uname(u);
        if (u.getState() != 1 || uint(u.getPeer()) == 0 || name.length == 0 || u.getType() == 2) return null;
        for (FileEntry f : plan.files.values()) {
            UnixSkEntry l = f.getType().getNumber() == 5 ? f.getUsk() : null;
            if (l != null && l.getState() == 10 && l.getType() == u.getType() && java.util.Arrays.equals(uname(l), name)) return l;
        }
        return null;
    }

    static byte[] uname(UnixSkEntry u) {
        return u.getName().toByteArray();
    }

    static String show(byte[] name) {
        String s = new String(name, java.nio.charset.StandardCharsets.UTF_8);
        return (name.length > 0 && name[0] == 0 ? "@" + s.substring(1) : s).replace("\0", "");
    }

    /** A struct sockaddr_un in scratch: AF_UNIX then the name as saved (abstract names start with a NUL). */
    private static long sockaddr(SyscallBatch b, byte[] name) {
        byte[] a = new byte[2 + name.length];
        a[0] = 1;
        System.arraycopy(name, 0, a, 2, name.length);
        return b.bytes(a);
    }

    /** A socket file left at a path the restore binds: removed if it is a socket no live socket is bound to. */
    private static void clearStale(byte[] name) throws RestoreException {
        if (name.length == 0 || name[0] == 0) return;
        String s = show(name);
        if (!s.startsWith("/")) return;
        java.nio.file.Path p = java.nio.file.Path.of(s);
        try {
            Object mode = java.nio.file.Files.readAttributes(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS).get("mode");
            if (((Integer) mode & 0170000) != 0140000) return; // not a socket: bind fails, naming it
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/unix"))) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 8 && w[7].equals(s)) return; // in use: bind fails with EADDRINUSE
            }
            java.nio.file.Files.delete(p);
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing there
        } catch (java.io.IOException e) {
            throw new RestoreException("cannot clear the stale socket file " + s + ": " + e.getMessage());
        }
    }

    /**
     * Named unix sockets, once every socket of the task exists at its parking slot: accepted connections
     * (a connect to their listener's name and an accept), then connects by name (datagram peers, connections
     * still in a listener's backlog), then the queued data, datagrams sent from their saved sender.
     */
    private void namedUnix(SyscallBatch b, Map<Long, List<TaskPlan.FdPlan>> byFile, Map<Long, Integer> parked)
            throws RestoreException {
        Map<Long, Long> idByIno = new HashMap<>();
        Map<String, Long> idByName = new HashMap<>();
        for (long id : byFile.keySet()) {
            FileEntry f = plan.files.get(id);
            if (f.getType().getNumber() != 5) continue;
            idByIno.put(uint(f.getUsk().getIno()), id);
            if (!accepted.contains(id) && uname(f.getUsk()).length > 0) idByName.putIfAbsent(show(uname(f.getUsk())), id);
        }
        java.util.Set<Long> clientsDone = new java.util.HashSet<>();
        for (long id : accepted) {
            UnixSkEntry u = plan.files.get(id).getUsk();
            UnixSkEntry l = listenerOf(u);
            Long lid = idByIno.get(uint(l.getIno())), cid = idByIno.get(uint(u.getPeer()));
            String what = "fd " + byFile.get(id).get(0).fd() + " of task " + t.pid + " (accepted unix connection)";
            if (lid == null || cid == null) throw new RestoreException(what + ": its listener or its peer is in another task; not supported yet");
            byte[] ln = uname(l);
            b.op("connect(" + show(ln) + ") for " + what, 42, parked.get(cid), sockaddr(b, ln), 2 + ln.length);
            int acc = b.op("accept4 for " + what, 288, parked.get(lid), 0, 0, u.getFlags() & Abi.O_NONBLOCK);
            b.useResult(b.op("dup3 (park)", Abi.NR_dup3, 0, parked.get(id), 0), 1, acc);
            b.useResult(b.op("close", Abi.NR_close, 0), 1, acc);
            clientsDone.add(cid);
        }
        for (long id : connects) {
            if (clientsDone.contains(id)) continue;
            UnixSkEntry u = plan.files.get(id).getUsk();
            FileEntry pf = unixFile(uint(u.getPeer()));
            String what = "fd " + byFile.get(id).get(0).fd() + " of task " + t.pid;
            byte[] pn = pf == null ? new byte[0] : uname(pf.getUsk());
            if (pn.length == 0) throw new RestoreException(what + " is a unix socket connected to an unnamed one; not supported yet");
            b.op("connect(" + show(pn) + ") for " + what, 42, parked.get(id), sockaddr(b, pn), 2 + pn.length);
        }
        int tmp = -1;
        for (Images.Entry<SkPacketEntry> q : plan.sockQueues()) {
            long idFor = uint(q.msg().getIdFor());
            FileEntry f = plan.files.get(idFor);
            if (f == null || !f.hasUsk() || !byFile.containsKey(idFor) || isPair(f.getUsk())) continue;
            UnixSkEntry u = f.getUsk();
            byte[] data = q.payload();
            Long peer = idByIno.get(uint(u.getPeer()));
            String what = "queued data of unix socket id " + idFor;
            FileEntry pf = unixFile(uint(u.getPeer()));
            if (u.getType() != 2 && pf != null && pf.getUsk().getState() == 10) {
                // a connection pending on a listener: the data it had sent, sent again from it
                b.flags(b.op("send(" + what + ", pending connection)", Abi.NR_write, parked.get(idFor), b.bytes(data), data.length),
                        SyscallBatch.FULL_LENGTH);
                continue;
            }
            if (u.getType() == 1 || uint(u.getPeer()) != 0) {
                // a stream, or a connected datagram socket: only its peer may send to it
                if (peer == null) throw new RestoreException(what + ": its peer is not in task " + t.pid + "; not supported yet");
                byte[] rn = uname(u);
                if (u.getType() == 1 || rn.length == 0) {
                    b.flags(b.op("send(" + what + ")", Abi.NR_write, parked.get(peer), b.bytes(data), data.length), SyscallBatch.FULL_LENGTH);
                } else {
                    b.flags(b.op("sendto(" + what + ")", 44, parked.get(peer), b.bytes(data), data.length, 0, sockaddr(b, rn), 2 + rn.length),
                            SyscallBatch.FULL_LENGTH);
                }
                continue;
            }
            byte[] rn = uname(u);
            if (rn.length == 0) throw new RestoreException(what + ": an unnamed, unconnected datagram socket; not supported yet");
            com.google.protobuf.ByteString from = q.msg().hasAddr() ? q.msg().getAddr() : null;
            Long sender = from == null || from.isEmpty() ? null : idByName.get(show(from.toByteArray()));
            if (sender != null) {
                b.flags(b.op("sendto(" + what + ") from " + show(from.toByteArray()), 44, parked.get(sender), b.bytes(data), data.length, 0,
                        sockaddr(b, rn), 2 + rn.length), SyscallBatch.FULL_LENGTH);
            } else {
                if (tmp < 0) tmp = b.op("socket(AF_UNIX) to send unnamed datagrams", 41, 1, u.getType(), 0);
                int op = b.op("sendto(" + what + ")", 44, 0, b.bytes(data), data.length, 0, sockaddr(b, rn), 2 + rn.length);
                b.useResult(op, 1, tmp).flags(op, SyscallBatch.FULL_LENGTH);
            }
        }
        if (tmp >= 0) b.useResult(b.op("close", Abi.NR_close, 0), 1, tmp);
    }
    private final List<Integer> fifoHelpers = new ArrayList<>();
    /** {op index, saved wd} of each inotify_add_watch, checked after the batch */
    private final List<long[]> inotifyChecks = new ArrayList<>();


    /** The files.img entry of the unix socket with this inode, if the tree has one. */
    private FileEntry unixFile(long ino) {
        if (unixByIno.isEmpty()) {
            for (FileEntry f : plan.files.values()) {
                if (f.getType().getNumber() == 5 && f.hasUsk()) unixByIno.put(uint(f.getUsk().getIno()), f);
            }
        }
        return unixByIno.get(ino);
    }

    private static int[] ints(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return new int[] {bb.getInt(), bb.getInt()};
    }
}
