package org.jcriu.criu.restore;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 */
final class FdRestorer {
    private static final int F_SETFL = 4;

    private final RestorePlan plan;
    private final TaskPlan t;
    private final RemoteTask rt;

    FdRestorer(Restorer r, RestorePlan plan, TaskPlan t, RemoteTask rt) {
        this.plan = plan;
        this.t = t;
        this.rt = rt;
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

        // prelude: pipes and socketpairs, whose fds come back in memory
        Batch b = new Batch(rt);
        Map<Long, long[]> pipes = new HashMap<>(); // pipe_id -> {op, addr}
        Map<Long, long[]> pairs = new HashMap<>(); // unix ino of either end -> {op, addr, firstIno}
        for (long id : byFile.keySet()) {
            ProtoMsg f = plan.files.get(id);
            int type = f.i32(1, 0);
            if (type == RestorePlan.FD_PIPE) {
                long pipeId = f.msg(18).u64(2);
                if (!pipes.containsKey(pipeId)) {
                    long a = b.alloc(8);
                    pipes.put(pipeId, new long[] {b.op("pipe2 for pipe " + pipeId, Restorer.NR_pipe2, a, 0), a});
                }
            } else if (type == 5) {
                ProtoMsg u = f.msg(16);
                long ino = u.u64(2), peer = u.u64(8);
                if (!pairs.containsKey(ino)) {
                    long a = b.alloc(8);
                    long[] p = {b.op("socketpair for unix socket " + ino, Restorer.NR_socketpair, 1, u.u64(3), 0, a), a, ino};
                    pairs.put(ino, p);
                    if (peer != 0) pairs.put(peer, p);
                }
            }
        }
        Map<Long, int[]> pipeFds = new HashMap<>();
        Map<Long, int[]> pairFds = new HashMap<>();
        int preludeMax = 0;
        if (b.size() > 0) {
            b.run();
            for (var e : pipes.entrySet()) {
                int[] fds = ints(b.readScratch(e.getValue()[1], 8));
                pipeFds.put(e.getKey(), fds);
                preludeMax = Math.max(preludeMax, Math.max(fds[0], fds[1]));
            }
            for (var e : pairs.entrySet()) {
                int[] fds = ints(b.readScratch(e.getValue()[1], 8));
                // end 0 is the socket whose ino is firstIno
                int[] mine = e.getKey() == e.getValue()[2] ? new int[] {fds[0], fds[1]} : new int[] {fds[1], fds[0]};
                pairFds.put(e.getKey(), mine);
                preludeMax = Math.max(preludeMax, Math.max(fds[0], fds[1]));
            }
        }
        // parking slots sit above every saved fd and above any number a creation below can return
        int high = Math.max(maxFd, preludeMax) + 1 + byFile.size() + 8;

        // main: create, fill queues, park every description at high+k
        b = new Batch(rt);
        for (var e : pipeFds.entrySet()) {
            byte[] data = plan.pipeData.get(e.getKey());
            if (data != null && data.length > 0) {
                b.flags(b.op("write(pipe " + e.getKey() + ", queued data)", Restorer.NR_write, e.getValue()[1], b.bytes(data), data.length), Batch.F_EQ_A2);
            }
        }
        for (Images.Entry q : plan.sockQueues()) {
            long idFor = q.msg().u64(1);
            ProtoMsg f = plan.files.get(idFor);
            if (f == null || f.msg(16) == null || !byFile.containsKey(idFor)) continue;
            int[] mine = pairFds.get(f.msg(16).u64(2));
            if (mine == null) continue;
            // queued on idFor's receive side: send it from the peer end
            b.flags(b.op("send(queued data of unix socket id " + idFor + ")", Restorer.NR_write, mine[1], b.bytes(q.payload()), q.payload().length), Batch.F_EQ_A2);
        }
        Map<Long, Integer> parked = new LinkedHashMap<>();
        List<long[]> epolls = new ArrayList<>(); // {epoll file id}
        java.util.Set<Integer> usedPrelude = new java.util.HashSet<>();
        int k = 0;
        for (long id : byFile.keySet()) {
            ProtoMsg f = plan.files.get(id);
            int type = f.i32(1, 0);
            int slot = high + k++;
            parked.put(id, slot);
            int src = -1;   // op index whose result is the fd
            long known = -1; // or a known fd number
            switch (type) {
                case RestorePlan.FD_REG -> {
                    ProtoMsg reg = f.msg(3);
                    String path = plan.regPath(id, "fd " + byFile.get(id).get(0).fd() + " of task " + t.pid);
                    int flags = (int) reg.u64(2) & ~(Restorer.O_CREAT | Restorer.O_EXCL | Restorer.O_TRUNC | Restorer.O_CLOEXEC);
                    src = b.op("open(" + path + ") for fd " + byFile.get(id).get(0).fd(), Restorer.NR_openat, Restorer.AT_FDCWD, b.str(path), flags, 0);
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
                    if ((p.u64(3) & Restorer.O_NONBLOCK) != 0) b.op("fcntl(F_SETFL) pipe", Restorer.NR_fcntl, known, F_SETFL, Restorer.O_NONBLOCK);
                }
                case 5 -> {
                    ProtoMsg u = f.msg(16);
                    known = pairFds.get(u.u64(2))[0];
                    if ((u.u64(5) & Restorer.O_NONBLOCK) != 0) b.op("fcntl(F_SETFL) unix socket", Restorer.NR_fcntl, known, F_SETFL, Restorer.O_NONBLOCK);
                }
                case RestorePlan.FD_EVENTFD -> {
                    ProtoMsg e = f.msg(8);
                    src = b.op("eventfd2(" + e.u64(4) + ")", Restorer.NR_eventfd2, e.u64(4), e.u64(2) & Restorer.O_NONBLOCK);
                }
                case RestorePlan.FD_TIMERFD -> {
                    ProtoMsg e = f.msg(12);
                    src = b.op("timerfd_create", Restorer.NR_timerfd_create, e.u64(4), e.u64(2) & Restorer.O_NONBLOCK);
                    if (e.u64(7) != 0 || e.u64(8) != 0) {
                        long its = b.longs(e.u64(9), e.u64(10), e.u64(7), e.u64(8));
                        int op = b.op("timerfd_settime", Restorer.NR_timerfd_settime, 0, e.u64(6), its, 0);
                        b.useResult(op, 1, src);
                    }
                }
                case RestorePlan.FD_SIGNALFD -> {
                    ProtoMsg e = f.msg(10);
                    src = b.op("signalfd4", Restorer.NR_signalfd4, -1, b.longs(e.u64(4)), 8, e.u64(2) & Restorer.O_NONBLOCK);
                }
                case RestorePlan.FD_EVENTPOLL -> {
                    src = b.op("epoll_create1", Restorer.NR_epoll_create1, 0);
                    epolls.add(new long[] {id});
                }
                default -> throw new RestoreException("fd " + byFile.get(id).get(0).fd() + " of task " + t.pid
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
        // every prelude fd is closed: used ones are parked, unused ends dropped
        for (int[] fds : pipeFds.values()) for (int fd : fds) b.op("close", Restorer.NR_close, fd);
        java.util.Set<Integer> closed = new java.util.HashSet<>();
        for (int[] fds : pairFds.values()) for (int fd : fds) if (closed.add(fd)) b.op("close", Restorer.NR_close, fd);
        // each saved number from its parked description, then the parking slots closed
        for (TaskPlan.FdPlan fd : t.fds) {
            b.op("dup3 to fd " + fd.fd(), Restorer.NR_dup3, parked.get(fd.fileId()), fd.fd(), fd.cloexec() ? Restorer.O_CLOEXEC : 0);
        }
        for (int slot : parked.values()) b.op("close", Restorer.NR_close, slot);
        // epoll sets, now that their targets have their numbers
        for (long[] ep : epolls) {
            ProtoMsg f = plan.files.get(ep[0]).msg(9);
            int epfd = byFile.get(ep[0]).get(0).fd();
            for (ProtoMsg tfd : f.msgs(4)) {
                ByteBuffer bb = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
                bb.putInt((int) tfd.u64(3)).putLong(tfd.u64(4));
                long a = b.bytes(bb.array());
                b.op("epoll_ctl(" + epfd + ", ADD, " + tfd.u64(2) + ")", Restorer.NR_epoll_ctl, epfd, 1, tfd.u64(2), a);
            }
        }
        b.run();
    }

    private static int[] ints(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return new int[] {bb.getInt(), bb.getInt()};
    }
}
