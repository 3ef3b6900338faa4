package org.jcriu.criu.service;

import java.io.IOException;
import java.nio.file.Path;
import org.jcriu.criu.dump.DumpOptions;
import org.jcriu.criu.dump.Dumper;
import org.jcriu.criu.net.NetworkLockMethod;
import org.jcriu.criu.restore.RestoreStats;
import org.jcriu.criu.restore.Restorer;
import org.jcriu.criu.util.Log;
import org.jcriu.images.proto.CriuDumpResp;
import org.jcriu.images.proto.CriuFeatures;
import org.jcriu.images.proto.CriuOpts;
import org.jcriu.images.proto.CriuReq;
import org.jcriu.images.proto.CriuReqType;
import org.jcriu.images.proto.CriuResp;
import org.jcriu.images.proto.CriuRestoreResp;
import org.jcriu.images.proto.CriuVersion;

/**
 * {@code criu swrk FD}: the RPC service container runtimes (runc, Podman) use.
 * Requests that only ask (VERSION, FEATURE_CHECK, CHECK) may come several times;
 * a DUMP or RESTORE is the last request of the session, as with CRIU.
 */
public final class RpcService {
    /** The CRIU release whose behaviour and formats jcriu follows, reported to VERSION. */
    static final int COMPAT_MAJOR = 4, COMPAT_MINOR = 2;

    private final RpcSocket socket;

    public RpcService(int fd) {
        this.socket = new RpcSocket(fd);
    }

    /** Serves requests until the caller hangs up or a dump/restore is done; returns the exit code. */
    public int serve() throws IOException {
        while (true) {
            CriuReq req = socket.receive();
            if (req == null) return 0;
            CriuResp resp = handle(req);
            socket.send(resp);
            if (req.getType() == CriuReqType.DUMP || req.getType() == CriuReqType.RESTORE) {
                return resp.getSuccess() ? 0 : 1;
            }
        }
    }

    CriuResp handle(CriuReq req) {
        CriuResp.Builder resp = CriuResp.newBuilder().setType(req.getType()).setSuccess(true);
        try {
            switch (req.getType()) {
                case VERSION -> resp.setVersion(CriuVersion.newBuilder()
                        .setMajorNumber(COMPAT_MAJOR).setMinorNumber(COMPAT_MINOR).setName("jcriu"));
                case FEATURE_CHECK -> resp.setFeatures(CriuFeatures.newBuilder()
                        .setMemTrack(false).setLazyPages(false).setPidfdStore(false));
                case DUMP -> dump(req.getOpts(), resp);
                case RESTORE -> restore(req.getOpts(), resp);
                default -> fail(resp, "request " + req.getType() + " is not supported by jcriu yet");
            }
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Log.error(msg);
            fail(resp, msg);
        }
        return resp.build();
    }

    /** The request's network_lock, by CRIU's name. */
    private static NetworkLockMethod lockMethod(CriuOpts o) {
        return NetworkLockMethod.parse(o.getNetworkLock().name());
    }

    private static void fail(CriuResp.Builder resp, String msg) {
        resp.setSuccess(false).setCrErrmsg(msg);
    }

    private static void dump(CriuOpts o, CriuResp.Builder resp) throws Exception {
        RpcPaths paths = RpcPaths.of(o);
        try (Log log = Log.open(paths.log(), o.getLogLevel())) {
            Dumper.dump(new DumpOptions(o.getPid(), paths.images(), o.getLeaveRunning(), o.getShellJob(),
                    o.getExtUnixSk(), o.getFileLocks(), o.getTcpEstablished(), null, false, lockMethod(o)));
        }
        resp.setDump(CriuDumpResp.newBuilder().setRestored(false));
    }

    private static void restore(CriuOpts o, CriuResp.Builder resp) throws Exception {
        RpcPaths paths = RpcPaths.of(o);
        try (Log log = Log.open(paths.log(), o.getLogLevel())) {
            Restorer.Result r = Restorer.restore(new Restorer.Options(paths.images(), o.getShellJob(), lockMethod(o)));
            RestoreStats.write(paths.work(), r);
            resp.setRestore(CriuRestoreResp.newBuilder().setPid(r.rootPid()));
        }
    }

    /** Where the images, work dir and log of one request are: fds of the caller, resolved through /proc. */
    record RpcPaths(Path images, Path work, Path log) {
        static RpcPaths of(CriuOpts o) throws IOException {
            Path images = fdPath(o.getImagesDirFd(), "images_dir_fd");
            Path work = o.hasWorkDirFd() ? fdPath(o.getWorkDirFd(), "work_dir_fd") : images;
            Path log = o.hasLogFile() ? work.resolve(o.getLogFile()) : null;
            return new RpcPaths(images, work, log);
        }

        private static Path fdPath(int fd, String what) throws IOException {
            try {
                return Path.of("/proc/self/fd", Integer.toString(fd)).toRealPath();
            } catch (IOException e) {
                throw new IOException(what + " " + fd + " is not an open directory of criu swrk", e);
            }
        }
    }
}
