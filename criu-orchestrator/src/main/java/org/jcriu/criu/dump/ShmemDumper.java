package org.jcriu.criu.dump;

import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Fd;
import org.jcriu.criu.sys.Pipes;
import org.jcriu.images.proto.MemfdInodeEntry;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;

/**
 * Shared memory objects (memfd files and MAP_SHARED|MAP_ANONYMOUS areas, both
 * shmem inodes), saved CRIU 4.x's way: one MemfdInodeEntry per inode in
 * memfd.img, its data ranges (SEEK_DATA/SEEK_HOLE) in pagemap-shmem-INO.img with
 * offsets as addresses, the bytes in pages-N.img copied file to file in the
 * kernel (FileChannel.transferTo).
 */
final class ShmemDumper {
    private static final int F_GET_SEALS = 1034, SEEK_DATA = 3, SEEK_HOLE = 4;

    private record Inode(int inodeId, MemfdInodeEntry entry, Path open) {}

    private final Map<Long, Inode> inodes = new LinkedHashMap<>();
    private final DumpStats stats;

    ShmemDumper(DumpStats stats) {
        this.stats = stats;
    }

    /**
     * The inode_id of the shmem object reachable at path (a map_files or fd link of a
     * frozen task); registered on first sight.
     */
    int inode(Path path, long ino, String name) throws IOException {
        Inode i = inodes.get(ino);
        if (i != null) return i.inodeId;
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,size,uid,gid");
        int seals = 0;
        try (Fd f = Fd.open(path.toString(), 0)) {
            seals = Math.max(0, fcntl(f.fd(), F_GET_SEALS));
        } catch (Errno e) {
            // no seals on a plain shared anonymous mapping
        }
        int id = inodes.size() + 1;
        MemfdInodeEntry e = MemfdInodeEntry.newBuilder().setName(name).setUid((Integer) a.get("uid"))
                .setGid((Integer) a.get("gid")).setSize((Long) a.get("size")).setShmid((int) ino).setSeals(seals)
                .setInodeId(id).setMode((Integer) a.get("mode")).build();
        inodes.put(ino, new Inode(id, e, path));
        return id;
    }

    private static int fcntl(int fd, int cmd) throws Errno {
        try {
            return org.jcriu.criu.sys.Pipes.fcntlRaw(fd, cmd);
        } catch (Errno e) {
            throw e;
        }
    }

    /** Writes memfd.img and each object's pagemap-shmem and pages; returns the next free pages id. */
    int write(Path dir, int pagesId) throws IOException {
        if (inodes.isEmpty()) return pagesId;
        try (ImageWriter o = ImageWriter.create(dir.resolve("memfd.img"), ImageType.MEMFD_INODE)) {
            for (Inode i : inodes.values()) o.write(i.entry);
        }
        for (Map.Entry<Long, Inode> me : inodes.entrySet()) {
            Inode i = me.getValue();
            long size = i.entry.getSize();
            int id = pagesId++;
            List<long[]> ranges = new ArrayList<>();
            try (FileChannel in = FileChannel.open(i.open, StandardOpenOption.READ)) {
                ranges = dataRanges(i.open, size);
                try (ImageWriter pm = ImageWriter.create(dir.resolve("pagemap-shmem-" + me.getKey() + ".img"), ImageType.PAGEMAP);
                     FileChannel out = FileChannel.open(dir.resolve("pages-" + id + ".img"), StandardOpenOption.CREATE,
                             StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    pm.write(PagemapHead.newBuilder().setPagesId(id).build());
                    for (long[] r : ranges) {
                        long len = r[1] - r[0];
                        pm.write(PagemapEntry.newBuilder().setVaddr(r[0]).setCompatNrPages(0)
                                .setFlags(MemoryDumper.PE_PRESENT).setNrPages(len >>> 12).build());
                        // the last page may go past the end of the file: copy what is there, pad with zeros
                        long data = Math.max(0, Math.min(r[1], size) - r[0]);
                        long done = 0;
                        while (done < data) {
                            long n = in.transferTo(r[0] + done, data - done, out);
                            if (n <= 0) break;
                            done += n;
                        }
                        if (done < len) {
                            java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocateDirect((int) Math.min(len - done, 1 << 20));
                            while (done < len) {
                                zeros.clear().limit((int) Math.min(zeros.capacity(), len - done));
                                done += out.write(zeros);
                            }
                        }
                        stats.shpagesWritten += len >>> 12;
                    }
                }
            }
            stats.shpagesScanned += (size + 4095) >>> 12;
        }
        return pagesId;
    }

    /** Page-aligned [start, end) ranges holding data, by lseek(SEEK_DATA/SEEK_HOLE). */
    private static List<long[]> dataRanges(Path p, long size) throws IOException {
        List<long[]> out = new ArrayList<>();
        long end = (size + 4095) & ~4095L;
        try (Fd f = Fd.open(p.toString(), 0)) {
            long pos = 0;
            while (pos < end) {
                long d = Pipes.lseek(f.fd(), pos, SEEK_DATA);
                if (d < 0 || d >= end) break;
                long h = Pipes.lseek(f.fd(), d, SEEK_HOLE);
                if (h < 0 || h > end) h = end;
                d &= ~4095L;
                h = Math.min(end, (h + 4095) & ~4095L);
                out.add(new long[] {d, h});
                pos = h;
            }
        }
        return out;
    }
}
