package org.jcriu.criu.restore;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;
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
                for (int fd : e.getValue()) b.op("close(spare " + fd + ")", Restorer.NR_close, fd);
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

    FdRestorer(Shared shared, RestorePlan plan, TaskPlan t, TraceeThread rt, Remote remote) {
        this.shared = shared;
        this.remote = remote;
        this.plan = plan;
        this.t = t;
        this.rt = rt;
    }

    private static String pipeKey(ProtoMsg pipe) {
        return "pipe:" + pipe.u64(2) + ((pipe.u64(3) & Restorer.O_ACCMODE) == 1 ? ":w" : ":r");
    }

    void restore() throws RestoreException, InvalidProtocolBufferException {
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
            ProtoMsg f = plan.files.get(id);
            int type = f.i32(1, 0);
            int[] w = shared.where.get("file:" + id);
            if (w == null && type == RestorePlan.FD_PIPE) w = shared.where.get(pipeKey(f.msg(18)));
            if (w == null && type == 5) w = shared.where.get("unix:" + f.msg(16).u64(2));
            if (w == null && type == 4) w = org.jcriu.criu.net.InetSockets.handOver(plan.images.dir, id); // inet: from our copy
            if (w != null) fromOther.put(id, w);
        }

        // prelude: pipes and socketpairs, whose fds come back in memory
        SyscallBatch b = new SyscallBatch(rt);
        Map<Long, long[]> pipes = new HashMap<>(); // pipe_id -> {op, addr}
        Map<Long, long[]> pairs = new HashMap<>(); // unix ino of either end -> {op, addr, firstIno, peerIno}
        for (long id : byFile.keySet()) {
            if (fromOther.containsKey(id)) continue;
            ProtoMsg f = plan.files.get(id);
            int type = f.i32(1, 0);
            if (type == RestorePlan.FD_PIPE) {
                long pipeId = f.msg(18).u64(2);
                if (!pipes.containsKey(pipeId)) {
                    long a = b.alloc(8);
                    pipes.put(pipeId, new long[] {b.op("pipe2 for pipe " + pipeId, Restorer.NR_pipe2, a, 0), a});
                }
            } else if (type == 5 && isPair(f.msg(16))) {
                ProtoMsg u = f.msg(16);
                long ino = u.u64(2), peer = u.u64(8);
                if (!pairs.containsKey(ino)) {
                    long a = b.alloc(8);
                    long[] p = {b.op("socketpair for unix socket " + ino, Restorer.NR_socketpair, 1, u.u64(3), 0, a), a, ino, peer};
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
            ProtoMsg f = plan.files.get(id);
            if (fromOther.containsKey(id) || f.i32(1, 0) != 5) continue;
            ProtoMsg u = f.msg(16);
            if (!isPair(u) && listenerOf(u) == null) clearStale(uname(u));
        }
        b = new SyscallBatch(rt);
        for (var e : pipeFds.entrySet()) {
            Long size = plan.pipeSize.get(e.getKey());
            if (size != null && size > 0) {
                b.op("fcntl(F_SETPIPE_SZ, " + size + ") pipe " + e.getKey(), Restorer.NR_fcntl, e.getValue()[1], 1031, size);
            }
            byte[] data = plan.pipeData.get(e.getKey());
            if (data != null && data.length > 0) {
                // non-blocking while filled: more data than room fails instead of hanging
                b.op("fcntl(F_SETFL, O_NONBLOCK) pipe", Restorer.NR_fcntl, e.getValue()[1], F_SETFL, Restorer.O_NONBLOCK);
                b.flags(b.op("write(pipe " + e.getKey() + ", queued data)", Restorer.NR_write, e.getValue()[1], b.bytes(data), data.length), SyscallBatch.FULL_LENGTH);
                b.op("fcntl(F_SETFL, 0) pipe", Restorer.NR_fcntl, e.getValue()[1], F_SETFL, 0);
            }
        }
        // socket buffer sizes before the queues are refilled (the kernel doubles what it is given)
        for (var e : pairFds.entrySet()) {
            ProtoMsg f = unixFile(e.getKey());
            if (f == null) continue;
            ProtoMsg opts = f.msg(16).msg(10);
            if (opts == null) continue;
            int fd = e.getValue()[0];
            if (opts.u64(1) > 0) b.op("setsockopt(SO_SNDBUFFORCE)", NR_setsockopt, fd, 1, 32, b.longs(opts.u64(1) / 2), 4);
            if (opts.u64(2) > 0) b.op("setsockopt(SO_RCVBUFFORCE)", NR_setsockopt, fd, 1, 33, b.longs(opts.u64(2) / 2), 4);
            if (opts.u64(11) != 0) b.op("setsockopt(SO_PASSCRED)", NR_setsockopt, fd, 1, 16, b.longs(1), 4);
        }
        for (Images.Entry q : plan.sockQueues()) {
            long idFor = q.msg().u64(1);
            ProtoMsg f = plan.files.get(idFor);
            if (f == null || f.msg(16) == null) continue;
            int[] mine = pairFds.get(f.msg(16).u64(2));
            if (mine == null) continue;
            // queued on idFor's receive side: send it from the peer end
            b.flags(b.op("send(queued data of unix socket id " + idFor + ")", Restorer.NR_write, mine[1], b.bytes(q.payload()), q.payload().length), SyscallBatch.FULL_LENGTH);
        }
        Map<Long, Integer> parked = new LinkedHashMap<>();
        List<Long> epolls = new ArrayList<>();
        java.util.Set<Integer> usedPrelude = new java.util.HashSet<>();
        int k = 0;
        for (long id : byFile.keySet()) {
            ProtoMsg f = plan.files.get(id);
            int type = f.i32(1, 0);
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
                int d = b.op("dup3 (park)", Restorer.NR_dup3, 0, slot, 0);
                b.useResult(d, 1, src);
                b.useResult(b.op("close", Restorer.NR_close, 0), 1, src);
                b.useResult(b.op("close(pidfd)", Restorer.NR_close, 0), 1, pfd);
                continue;
            }
            switch (type) {
                case RestorePlan.FD_REG -> {
                    ProtoMsg reg = f.msg(3);
                    String path = plan.regPath(id, "fd " + firstFd + " of task " + t.pid);
                    int flags = (int) reg.u64(2) & ~(Restorer.O_CREAT | Restorer.O_EXCL | Restorer.O_TRUNC | Restorer.O_CLOEXEC);
                    src = b.op("open(" + path + ") for fd " + firstFd, Restorer.NR_openat, Restorer.AT_FDCWD, b.str(path), flags, 0);
                    if (reg.u64(3) != 0) {
                        int op = b.op("lseek(" + path + ", " + reg.u64(3) + ")", Restorer.NR_lseek, 0, reg.u64(3), 0);
                        b.useResult(op, 1, src);
                    }
                }
                case RestorePlan.FD_PIPE -> {
                    ProtoMsg p = f.msg(18);
                    int[] fds = pipeFds.get(p.u64(2));
                    boolean write = (p.u64(3) & Restorer.O_ACCMODE) == 1;
                    known = write ? fds[1] : fds[0];
                    b.op("fcntl(F_SETFL) pipe", Restorer.NR_fcntl, known, F_SETFL, p.u64(3) & Restorer.O_NONBLOCK);
                }
                case 5 -> {
                    ProtoMsg u = f.msg(16);
                    if (!isPair(u)) {
                        if (listenerOf(u) != null) {
                            // an accepted connection: made below by connect + accept, once its listener exists
                            accepted.add(id);
                            continue;
                        }
                        long nb = (u.u64(5) & Restorer.O_NONBLOCK) != 0 ? Restorer.O_NONBLOCK : 0; // SOCK_NONBLOCK
                        src = b.op("socket(AF_UNIX, " + u.u64(3) + ") for fd " + firstFd, 41, 1, u.u64(3) | nb, 0);
                        byte[] name = uname(u);
                        if (name.length > 0) {
                            b.useResult(b.op("bind(" + show(name) + ") for fd " + firstFd + " of task " + t.pid, 49, 0,
                                    sockaddr(b, name), 2 + name.length), 1, src);
                        }
                        if (u.u64(4) == 10) b.useResult(b.op("listen(" + u.u64(7) + ") for fd " + firstFd, 50, 0, u.u64(7)), 1, src);
                        if (u.u64(8) != 0) connects.add(id);
                        break;
                    }
                    if (u.u64(8) == 0) {
                        // neither bound nor connected: a plain socket
                        src = b.op("socket(AF_UNIX, " + u.u64(3) + ")", 41, 1, u.u64(3), 0);
                        if ((u.u64(5) & Restorer.O_NONBLOCK) != 0) {
                            b.useResult(b.op("fcntl(F_SETFL) unix socket", Restorer.NR_fcntl, 0, F_SETFL, Restorer.O_NONBLOCK), 1, src);
                        }
                        break;
                    }
                    known = pairFds.get(u.u64(2))[0];
                    if ((u.u64(5) & Restorer.O_NONBLOCK) != 0) b.op("fcntl(F_SETFL) unix socket", Restorer.NR_fcntl, known, F_SETFL, Restorer.O_NONBLOCK);
                }
                case RestorePlan.FD_FIFO -> {
                    // a helper O_RDWR open keeps the other side present, so no open blocks; it also refills the data
                    ProtoMsg fifo = f.msg(17);
                    ProtoMsg reg = plan.files.get(fifo.u64(3)).msg(3);
                    String path = plan.regPath(fifo.u64(3), "FIFO of fd " + firstFd + " of task " + t.pid);
                    long pipeId = fifo.u64(2);
                    int helper = b.op("open(" + path + ", O_RDWR) helper", Restorer.NR_openat, Restorer.AT_FDCWD, b.str(path),
                            2 | Restorer.O_NONBLOCK | Restorer.O_CLOEXEC, 0);
                    byte[] data = plan.fifoData.get(pipeId);
                    if (data != null && data.length > 0 && shared.fifoFilled.add(pipeId)) {
                        int w = b.op("write(FIFO " + path + ", queued data)", Restorer.NR_write, 0, b.bytes(data), data.length);
                        b.useResult(w, 1, helper).flags(w, SyscallBatch.FULL_LENGTH);
                    }
                    int flags = (int) reg.u64(2) & ~(Restorer.O_CREAT | Restorer.O_EXCL | Restorer.O_TRUNC | Restorer.O_CLOEXEC);
                    src = b.op("open(" + path + ") for fd " + firstFd, Restorer.NR_openat, Restorer.AT_FDCWD, b.str(path),
                            flags | Restorer.O_NONBLOCK, 0);
                    b.useResult(b.op("fcntl(F_SETFL) FIFO", Restorer.NR_fcntl, 0, F_SETFL, flags & Restorer.O_NONBLOCK), 1, src);
                    fifoHelpers.add(helper);
                }
                case RestorePlan.FD_MEMFD -> {
                    // a new open of the memfd object made for the mappings, with this fd's flags and offset
                    ProtoMsg m = f.msg(20);
                    int[] obj = shared.memfds.get(m.u64(5));
                    String path = "/proc/" + (obj[0] == t.pid ? "self" : Integer.toString(obj[0])) + "/fd/" + obj[1];
                    int flags = (int) m.u64(2) & ~(Restorer.O_CREAT | Restorer.O_EXCL | Restorer.O_TRUNC | Restorer.O_CLOEXEC);
                    src = b.op("open(" + path + ") memfd for fd " + firstFd, Restorer.NR_openat, Restorer.AT_FDCWD, b.str(path), flags, 0);
                    if (m.u64(3) != 0) b.useResult(b.op("lseek(memfd, " + m.u64(3) + ")", Restorer.NR_lseek, 0, m.u64(3), 0), 1, src);
                }
                case RestorePlan.FD_INOTIFY -> {
                    ProtoMsg ify = f.msg(13);
                    src = b.op("inotify_init1", 294, ify.u64(2) & Restorer.O_NONBLOCK);
                    List<ProtoMsg> ws = new ArrayList<>(ify.msgs(5));
                    ws.sort(java.util.Comparator.comparingLong(w -> w.u64(6)));
                    long next = 1;
                    for (ProtoMsg w : ws) {
                        long wd = w.u64(6);
                        // watch descriptors come in order: fill gaps with watches added and removed at once
                        for (; next < wd; next++) {
                            int d = b.op("inotify_add_watch(filler)", 254, 0, b.str("/"), 1);
                            b.useResult(d, 1, src);
                            int r = b.op("inotify_rm_watch(filler)", 255, 0, next);
                            b.useResult(r, 1, src);
                        }
                        String path = w.msg(7).str(4);
                        int a = b.op("inotify_add_watch(" + path + ") for fd " + firstFd, 254, 0, b.str(path), w.u64(3));
                        b.useResult(a, 1, src);
                        inotifyChecks.add(new long[] {a, wd});
                        next = wd + 1;
                    }
                }
                case RestorePlan.FD_EVENTFD -> {
                    ProtoMsg e = f.msg(8);
                    // EFD_SEMAPHORE (1) where the image records it in flags
                    src = b.op("eventfd2(" + e.u64(4) + ")", Restorer.NR_eventfd2, e.u64(4), e.u64(2) & (Restorer.O_NONBLOCK | 1));
                }
                case RestorePlan.FD_TIMERFD -> {
                    ProtoMsg e = f.msg(12);
                    src = b.op("timerfd_create", Restorer.NR_timerfd_create, e.u64(4), e.u64(2) & Restorer.O_NONBLOCK);
                    long vsec = e.u64(7), vnsec = e.u64(8);
                    if (vsec == 0 && vnsec == 0 && (e.u64(9) != 0 || e.u64(10) != 0)) {
                        // a periodic timer caught between expiry and re-arm: next tick one interval away
                        vsec = e.u64(9);
                        vnsec = e.u64(10);
                    }
                    if (e.u64(5) != 0) {
                        // expirations not read yet: TFD_IOC_SET_TICKS
                        int op = b.op("ioctl(TFD_IOC_SET_TICKS, " + e.u64(5) + ")", 16, 0, 0x40085400L, b.longs(e.u64(5)));
                        b.useResult(op, 1, src);
                    }
                    if (vsec != 0 || vnsec != 0) {
                        long its = b.longs(e.u64(9), e.u64(10), vsec, vnsec);
                        // the saved value is the time left, relative: TFD_TIMER_ABSTIME (and CANCEL_ON_SET, which needs it) off
                        int op = b.op("timerfd_settime", Restorer.NR_timerfd_settime, 0, e.u64(6) & ~3L, its, 0);
                        b.useResult(op, 1, src);
                    }
                }
                case RestorePlan.FD_SIGNALFD -> {
                    ProtoMsg e = f.msg(10);
                    src = b.op("signalfd4", Restorer.NR_signalfd4, -1, b.longs(e.u64(4)), 8, e.u64(2) & Restorer.O_NONBLOCK);
                }
                case RestorePlan.FD_EVENTPOLL -> {
                    src = b.op("epoll_create1", Restorer.NR_epoll_create1, 0);
                    epolls.add(id);
                }
                default -> throw new RestoreException("fd " + firstFd + " of task " + t.pid
                        + " is of kind " + type + ", not supported yet (files.img id " + id + ")");
            }
            if (src >= 0) {
                int d = b.op("dup3 (park)", Restorer.NR_dup3, 0, slot, 0);
                b.useResult(d, 1, src);
                int c = b.op("close", Restorer.NR_close, 0);
                b.useResult(c, 1, src);
            } else {
                b.op("dup3 (park)", Restorer.NR_dup3, known, slot, 0);
                usedPrelude.add((int) known);
            }
        }
        namedUnix(b, byFile, parked);
        for (int h : fifoHelpers) b.useResult(b.op("close(FIFO helper)", Restorer.NR_close, 0), 1, h);
        // ends of pipes and socketpairs no fd here uses: kept at spare numbers for the other tasks
        List<Integer> spares = new ArrayList<>();
        for (var e : pipeFds.entrySet()) {
            for (int end = 0; end < 2; end++) {
                int fd = e.getValue()[end];
                String key = "pipe:" + e.getKey() + (end == 1 ? ":w" : ":r");
                if (!usedPrelude.contains(fd)) {
                    b.op("dup3 (spare pipe end)", Restorer.NR_dup3, fd, spareSlot, 0);
                    shared.where.put(key, new int[] {t.pid, spareSlot});
                    spares.add(spareSlot++);
                }
                b.op("close", Restorer.NR_close, fd);
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
                    b.op("dup3 (spare socket end)", Restorer.NR_dup3, fds[end], spareSlot, 0);
                    shared.where.put("unix:" + inos[end], new int[] {t.pid, spareSlot});
                    spares.add(spareSlot++);
                }
            }
            for (int fd : fds) if (closed.add(fd)) b.op("close", Restorer.NR_close, fd);
        }
        if (!spares.isEmpty()) shared.spares.put(t.pid, spares);
        // each saved number from its parked description, then the parking slots closed
        for (TaskPlan.FdPlan fd : t.fds) {
            b.op("dup3 to fd " + fd.fd(), Restorer.NR_dup3, parked.get(fd.fileId()), fd.fd(), fd.cloexec() ? Restorer.O_CLOEXEC : 0);
        }
        for (int slot : parked.values()) b.op("close", Restorer.NR_close, slot);
        // epoll sets, now that their targets have their numbers
        for (long ep : epolls) {
            ProtoMsg f = plan.files.get(ep).msg(9);
            int epfd = byFile.get(ep).get(0).fd();
            for (ProtoMsg tfd : f.msgs(4)) {
                ByteBuffer bb = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
                bb.putInt((int) tfd.u64(3)).putLong(tfd.u64(4));
                long a = b.bytes(bb.array());
                b.op("epoll_ctl(" + epfd + ", ADD, " + tfd.u64(2) + ")", Restorer.NR_epoll_ctl, epfd, 1, tfd.u64(2), a);
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
            ProtoMsg f = plan.files.get(id);
            shared.where.putIfAbsent("file:" + id, new int[] {t.pid, fd});
            int type = f.i32(1, 0);
            if (type == RestorePlan.FD_PIPE) shared.where.putIfAbsent(pipeKey(f.msg(18)), new int[] {t.pid, fd});
            if (type == 5) shared.where.putIfAbsent("unix:" + f.msg(16).u64(2), new int[] {t.pid, fd});
        }
    }

    private final Map<Long, ProtoMsg> unixByIno = new HashMap<>();
    /** file ids of unix sockets made by accept (after the main creations), and of sockets to connect by name */
    private final List<Long> accepted = new ArrayList<>(), connects = new ArrayList<>();

    /** A socketpair's end: connected, both ends unnamed and each the other's peer. */
    private boolean isPair(ProtoMsg u) throws InvalidProtocolBufferException {
        long peer = u.u64(8);
        if (peer == 0 || uname(u).length > 0 || u.u64(4) == 10) return false;
        ProtoMsg pf = unixFile(peer);
        if (pf == null) return true; // outside the tree: refused by the plan
        ProtoMsg p = pf.msg(16);
        return uname(p).length == 0 && p.u64(8) == u.u64(2);
    }

    /** For a connection accepted from a listener of the image (it carries the listener's name): that listener. */
    private ProtoMsg listenerOf(ProtoMsg u) throws InvalidProtocolBufferException {
        byte[] name = uname(u);
        if (u.u64(4) != 1 || u.u64(8) == 0 || name.length == 0 || u.u64(3) == 2) return null;
        for (ProtoMsg f : plan.files.values()) {
            ProtoMsg l = f.i32(1, 0) == 5 ? f.msg(16) : null;
            if (l != null && l.u64(4) == 10 && l.u64(3) == u.u64(3) && java.util.Arrays.equals(uname(l), name)) return l;
        }
        return null;
    }

    static byte[] uname(ProtoMsg u) {
        com.google.protobuf.ByteString n = u.bytes(11);
        return n == null ? new byte[0] : n.toByteArray();
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
            throws RestoreException, InvalidProtocolBufferException {
        Map<Long, Long> idByIno = new HashMap<>();
        Map<String, Long> idByName = new HashMap<>();
        for (long id : byFile.keySet()) {
            ProtoMsg f = plan.files.get(id);
            if (f.i32(1, 0) != 5) continue;
            idByIno.put(f.msg(16).u64(2), id);
            if (!accepted.contains(id) && uname(f.msg(16)).length > 0) idByName.putIfAbsent(show(uname(f.msg(16))), id);
        }
        java.util.Set<Long> clientsDone = new java.util.HashSet<>();
        for (long id : accepted) {
            ProtoMsg u = plan.files.get(id).msg(16);
            ProtoMsg l = listenerOf(u);
            Long lid = idByIno.get(l.u64(2)), cid = idByIno.get(u.u64(8));
            String what = "fd " + byFile.get(id).get(0).fd() + " of task " + t.pid + " (accepted unix connection)";
            if (lid == null || cid == null) throw new RestoreException(what + ": its listener or its peer is in another task; not supported yet");
            byte[] ln = uname(l);
            b.op("connect(" + show(ln) + ") for " + what, 42, parked.get(cid), sockaddr(b, ln), 2 + ln.length);
            int acc = b.op("accept4 for " + what, 288, parked.get(lid), 0, 0, u.u64(5) & Restorer.O_NONBLOCK);
            b.useResult(b.op("dup3 (park)", Restorer.NR_dup3, 0, parked.get(id), 0), 1, acc);
            b.useResult(b.op("close", Restorer.NR_close, 0), 1, acc);
            clientsDone.add(cid);
        }
        for (long id : connects) {
            if (clientsDone.contains(id)) continue;
            ProtoMsg u = plan.files.get(id).msg(16);
            ProtoMsg pf = unixFile(u.u64(8));
            String what = "fd " + byFile.get(id).get(0).fd() + " of task " + t.pid;
            byte[] pn = pf == null ? new byte[0] : uname(pf.msg(16));
            if (pn.length == 0) throw new RestoreException(what + " is a unix socket connected to an unnamed one; not supported yet");
            b.op("connect(" + show(pn) + ") for " + what, 42, parked.get(id), sockaddr(b, pn), 2 + pn.length);
        }
        int tmp = -1;
        for (Images.Entry q : plan.sockQueues()) {
            long idFor = q.msg().u64(1);
            ProtoMsg f = plan.files.get(idFor);
            if (f == null || f.msg(16) == null || !byFile.containsKey(idFor) || isPair(f.msg(16))) continue;
            ProtoMsg u = f.msg(16);
            byte[] data = q.payload();
            Long peer = idByIno.get(u.u64(8));
            String what = "queued data of unix socket id " + idFor;
            ProtoMsg pf = unixFile(u.u64(8));
            if (u.u64(3) != 2 && pf != null && pf.msg(16).u64(4) == 10) {
                // a connection pending on a listener: the data it had sent, sent again from it
                b.flags(b.op("send(" + what + ", pending connection)", Restorer.NR_write, parked.get(idFor), b.bytes(data), data.length),
                        SyscallBatch.FULL_LENGTH);
                continue;
            }
            if (u.u64(3) == 1 || u.u64(8) != 0) {
                // a stream, or a connected datagram socket: only its peer may send to it
                if (peer == null) throw new RestoreException(what + ": its peer is not in task " + t.pid + "; not supported yet");
                byte[] rn = uname(u);
                if (u.u64(3) == 1 || rn.length == 0) {
                    b.flags(b.op("send(" + what + ")", Restorer.NR_write, parked.get(peer), b.bytes(data), data.length), SyscallBatch.FULL_LENGTH);
                } else {
                    b.flags(b.op("sendto(" + what + ")", 44, parked.get(peer), b.bytes(data), data.length, 0, sockaddr(b, rn), 2 + rn.length),
                            SyscallBatch.FULL_LENGTH);
                }
                continue;
            }
            byte[] rn = uname(u);
            if (rn.length == 0) throw new RestoreException(what + ": an unnamed, unconnected datagram socket; not supported yet");
            com.google.protobuf.ByteString from = q.msg().bytes(3);
            Long sender = from == null || from.isEmpty() ? null : idByName.get(show(from.toByteArray()));
            if (sender != null) {
                b.flags(b.op("sendto(" + what + ") from " + show(from.toByteArray()), 44, parked.get(sender), b.bytes(data), data.length, 0,
                        sockaddr(b, rn), 2 + rn.length), SyscallBatch.FULL_LENGTH);
            } else {
                if (tmp < 0) tmp = b.op("socket(AF_UNIX) to send unnamed datagrams", 41, 1, u.u64(3), 0);
                int op = b.op("sendto(" + what + ")", 44, 0, b.bytes(data), data.length, 0, sockaddr(b, rn), 2 + rn.length);
                b.useResult(op, 1, tmp).flags(op, SyscallBatch.FULL_LENGTH);
            }
        }
        if (tmp >= 0) b.useResult(b.op("close", Restorer.NR_close, 0), 1, tmp);
    }
    private final List<Integer> fifoHelpers = new ArrayList<>();
    /** {op index, saved wd} of each inotify_add_watch, checked after the batch */
    private final List<long[]> inotifyChecks = new ArrayList<>();


    /** The files.img entry of the unix socket with this inode, if the tree has one. */
    private ProtoMsg unixFile(long ino) throws InvalidProtocolBufferException {
        if (unixByIno.isEmpty()) {
            for (ProtoMsg f : plan.files.values()) {
                if (f.i32(1, 0) == 5 && f.msg(16) != null) unixByIno.put(f.msg(16).u64(2), f);
            }
        }
        return unixByIno.get(ino);
    }

    private static int[] ints(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return new int[] {bb.getInt(), bb.getInt()};
    }
}
