package org.jcriu.criu.dump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.proto.DumpStatsEntry;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.GhostFileEntry;
import org.jcriu.images.proto.InventoryEntry;
import org.jcriu.images.proto.Lsmtype;
import org.jcriu.images.proto.PipeDataEntry;
import org.jcriu.images.proto.PluginsEntry;
import org.jcriu.images.proto.PstreeEntry;
import org.jcriu.images.proto.RemapFilePathEntry;
import org.jcriu.images.proto.StatsEntry;
import org.jcriu.images.proto.TimensEntry;
import org.jcriu.images.proto.Timespec;

/**
 * The images of the whole tree, written once every task is dumped:
 * inventory, pstree, files, pipe and FIFO data, socket queues, file locks,
 * remapped and ghost files, seccomp, timens; and stats-dump.
 */
final class CommonImages {
    private final Path dir;

    CommonImages(Path dir) {
        this.dir = dir;
    }

    void write(List<PstreeEntry> pstree, KobjIds kobj, FileTable files, FdDumper.Extra extra, SeccompDumper seccomp)
            throws IOException {
        try (ImageWriter o = ImageWriter.create(dir.resolve("inventory.img"), ImageType.INVENTORY)) {
            o.write(InventoryEntry.newBuilder().setImgVersion(2).setFdinfoPerId(true).setRootIds(kobj.rootIds())
                    .setNsPerId(true).setRootCgSet(1).setLsmtype(Lsmtype.NO_LSM).setNetworkLockMethod(0)
                    .setPluginsEntry(PluginsEntry.newBuilder()).setDumpCriuRunId(RunId.random()).build());
        }
        try (ImageWriter o = ImageWriter.create(dir.resolve("pstree.img"), ImageType.PSTREE)) {
            for (PstreeEntry e : pstree) o.write(e);
        }
        try (ImageWriter o = ImageWriter.create(dir.resolve("files.img"), ImageType.FILES)) {
            for (FileEntry e : files.entries) o.write(e);
        }
        if (!extra.pipeData.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("pipes-data.img"), ImageType.PIPES_DATA)) {
                for (Object[] pd : extra.pipeData) {
                    o.write((PipeDataEntry) pd[0]);
                    o.writeRaw(((ByteBuffer) pd[1]).rewind());
                }
            }
        }
        if (!extra.locks.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("filelocks.img"), ImageType.FILE_LOCKS)) {
                for (org.jcriu.images.proto.FileLockEntry e : extra.locks) o.write(e);
            }
        }
        if (!extra.skQueues.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("sk-queues.img"), ImageType.SK_QUEUES)) {
                for (Object[] q : extra.skQueues) {
                    o.write((org.jcriu.images.proto.SkPacketEntry) q[0]);
                    o.writeRaw(((ByteBuffer) q[1]).rewind());
                }
            }
        }
        if (!extra.fifoData.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("fifo-data.img"), ImageType.FIFO_DATA)) {
                for (Object[] pd : extra.fifoData) {
                    o.write((PipeDataEntry) pd[0]);
                    o.writeRaw(((ByteBuffer) pd[1]).rewind());
                }
            }
        }
        if (!extra.remaps.isEmpty()) {
            try (ImageWriter o = ImageWriter.create(dir.resolve("remap-fpath.img"), ImageType.REMAP_FPATH)) {
                for (RemapFilePathEntry e : extra.remaps) o.write(e);
            }
        }
        for (Object[] g : extra.ghosts) {
            // CRIU names it by the remap id in hex (ghost-file-%x.img), as the restore reads it
            try (ImageWriter o = ImageWriter.create(dir.resolve(ImageType.GHOST_FILE.fileName((Integer) g[2])), ImageType.GHOST_FILE)) {
                o.write((GhostFileEntry) g[0]);
                o.writeRaw(((ByteBuffer) g[1]).rewind());
            }
        }
        seccomp.write(dir);
        long[] mono = Clock.now(1), boot = Clock.now(7);
        try (ImageWriter o = ImageWriter.create(dir.resolve("timens-0.img"), ImageType.TIMENS)) {
            o.write(TimensEntry.newBuilder().setMonotonic(Timespec.newBuilder().setTvSec(mono[0]).setTvNsec(mono[1]))
                    .setBoottime(Timespec.newBuilder().setTvSec(boot[0]).setTvNsec(boot[1])).build());
        }
    }

    void writeStats(DumpStats stats) throws IOException {
        DumpStatsEntry d = DumpStatsEntry.newBuilder().setFreezingTime((int) stats.freezingTime)
                .setFrozenTime((int) stats.frozenTime).setMemdumpTime((int) stats.memdumpTime)
                .setMemwriteTime((int) stats.memwriteTime).setPagesScanned(stats.pagesScanned)
                .setPagesSkippedParent(0).setPagesWritten(stats.pagesWritten).setIrmapResolve(0)
                .setPagesLazy(stats.pagesLazy).setPagePipes(stats.pagePipeBufs).setPagePipeBufs(stats.pagePipeBufs)
                .setShpagesScanned(stats.shpagesScanned).setShpagesSkippedParent(0)
                .setShpagesWritten(stats.shpagesWritten).build();
        try (ImageWriter o = ImageWriter.create(dir.resolve("stats-dump"), ImageType.STATS)) {
            o.write(StatsEntry.newBuilder().setDump(d).build());
        }
    }}
