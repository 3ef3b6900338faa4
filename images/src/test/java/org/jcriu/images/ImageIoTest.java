package org.jcriu.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FdinfoEntry;
import org.jcriu.images.proto.InventoryEntry;
import org.jcriu.images.proto.PipeDataEntry;
import org.jcriu.images.proto.PstreeEntry;
import org.jcriu.images.proto.StatsEntry;
import org.jcriu.images.proto.DumpStatsEntry;
import org.jcriu.images.proto.TaskCoreEntry;
import org.jcriu.images.proto.TcpStreamEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageIoTest {
    @TempDir
    Path tmp;

    private static int u32(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }

    @Test
    void magicTableIsConsistent() {
        Set<String> patterns = new HashSet<>();
        for (ImageType t : ImageType.values()) {
            assertTrue(patterns.add(t.pattern()), "duplicate pattern " + t.pattern());
            if (!t.isRaw()) {
                assertTrue(t.magic() != 0 && t.entryPrototype() != null, t.name());
                assertEquals(t.magic(), ImageType.byMagic(t.magic()).magic());
            }
        }
        assertEquals(0x54564319, ImageMagic.IMG_COMMON);
        assertEquals(0x55105940, ImageMagic.IMG_SERVICE);
        assertSame(ImageType.PAGEMAP, ImageType.byMagic(0x56084025));
        assertEquals("PAGEMAP", ImageType.SHMEM_PAGEMAP.critName());
        assertEquals("core-42.img", ImageType.CORE.fileName(42));
        // looked up at first use, the generated class's own default instance
        assertSame(org.jcriu.images.proto.CoreEntry.getDefaultInstance(), ImageType.CORE.entryPrototype());
        assertSame(org.jcriu.images.proto.PipeDataEntry.getDefaultInstance(), ImageType.FIFO_DATA.entryPrototype());
        assertNull(ImageType.PAGES.entryPrototype());
        assertEquals("ghost-file-1f.img", ImageType.GHOST_FILE.fileName(31));
        assertEquals("stats-dump", ImageType.STATS.fileName("dump"));
        assertNull(ImageType.byMagic(ImageMagic.IMG_COMMON));
        assertEquals(ImageMagic.IMG_SERVICE, ImageType.STATS.headMagic());
        assertEquals(0, ImageType.INVENTORY.headMagic());
    }

    @Test
    void writerWritesHeadsAndFraming() throws IOException {
        ImageDir dir = new ImageDir(tmp);
        PstreeEntry p = PstreeEntry.newBuilder().setPid(7).setPpid(0).setPgid(7).setSid(7).addThreads(7).addThreads(8).build();
        try (ImageWriter w = dir.create(ImageType.PSTREE)) {
            w.write(p);
            w.write(p.toBuilder().setPid(9).build());
        }
        byte[] b = Files.readAllBytes(dir.path(ImageType.PSTREE, 0));
        assertEquals(ImageMagic.IMG_COMMON, u32(b, 0));
        assertEquals(ImageType.PSTREE.magic(), u32(b, 4));
        assertEquals(p.getSerializedSize(), u32(b, 8));
        try (ImageReader r = dir.open(ImageType.PSTREE)) {
            assertEquals(p, r.next());
            assertEquals(8, r.entryOffset());
            assertEquals(9, ((PstreeEntry) r.next()).getPid());
            assertNull(r.next());
            assertEquals(2, r.entriesRead());
        }
        try (ImageWriter w = dir.create(ImageType.INVENTORY)) {
            w.write(InventoryEntry.newBuilder().setImgVersion(2).build());
        }
        b = Files.readAllBytes(dir.path(ImageType.INVENTORY, 0));
        assertEquals(ImageType.INVENTORY.magic(), u32(b, 0));
        try (ImageWriter w = dir.createStats("dump")) {
            w.write(StatsEntry.newBuilder().setDump(DumpStatsEntry.newBuilder().setFreezingTime(1).setFrozenTime(2)
                    .setMemdumpTime(3).setMemwriteTime(4).setPagesScanned(5).setPagesSkippedParent(6).setPagesWritten(7).setIrmapResolve(0).setPagesLazy(0)).build());
        }
        b = Files.readAllBytes(tmp.resolve("stats-dump"));
        assertEquals(ImageMagic.IMG_SERVICE, u32(b, 0));
        try (ImageReader r = ImageReader.open(tmp.resolve("stats-dump"))) {
            assertSame(ImageType.STATS, r.type());
            assertEquals(7, ((StatsEntry) r.next()).getDump().getPagesWritten());
        }
    }

    @Test
    void payloadsFromHeapDirectAndFile() throws IOException {
        Path src = tmp.resolve("src.bin");
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Files.write(src, big);
        Path img = tmp.resolve("pipes-data.img");
        ByteBuffer direct = ByteBuffer.allocateDirect(5000);
        for (int i = 0; i < 5000; i++) {
            direct.put((byte) i);
        }
        direct.flip();
        try (ImageWriter w = ImageWriter.create(img, ImageType.PIPES_DATA);
             FileChannel fc = FileChannel.open(src, StandardOpenOption.READ)) {
            w.write(PipeDataEntry.newBuilder().setPipeId(1).setBytes(3).build(), new byte[] {1, 2, 3});
            w.write(PipeDataEntry.newBuilder().setPipeId(2).setBytes(5000).build(), direct);
            w.write(PipeDataEntry.newBuilder().setPipeId(3).setBytes(big.length).build(), fc, 0, big.length);
            w.write(PipeDataEntry.newBuilder().setPipeId(4).setBytes(0).build());
        }
        try (ImageReader r = ImageReader.open(img, ImageType.PIPES_DATA)) {
            assertEquals(1, ((PipeDataEntry) r.next()).getPipeId());
            assertArrayEquals(new byte[] {1, 2, 3}, r.readPayload(3));
            assertEquals(2, ((PipeDataEntry) r.next()).getPipeId());
            assertEquals(5000, r.payloadRemaining());
            // not read: skipped by next()
            assertEquals(3, ((PipeDataEntry) r.next()).getPipeId());
            Path copy = tmp.resolve("copy.bin");
            try (FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                r.transferPayload(big.length, out);
            }
            assertArrayEquals(big, Files.readAllBytes(copy));
            assertEquals(4, ((PipeDataEntry) r.next()).getPipeId());
            assertEquals(0, r.payloadRemaining());
            assertNull(r.next());
        }
        try (ImageReader r = ImageReader.open(img)) {
            r.next();
            r.next();
            ByteBuffer dst = ByteBuffer.allocateDirect(5000);
            r.readPayload(dst);
            dst.flip();
            assertEquals((byte) 4999, dst.get(4999));
            assertThrows(ImageException.class, () -> r.readPayload(1));
        }
    }

    @Test
    void tcpStreamPayloadIsBothQueues() throws IOException {
        Path img = tmp.resolve("tcp-stream-1.img");
        TcpStreamEntry e = TcpStreamEntry.newBuilder().setInqLen(3).setInqSeq(1).setOutqLen(2).setOutqSeq(2)
                .setOptMask(0).setSndWscale(7).setMssClamp(1460).build();
        try (ImageWriter w = ImageWriter.create(img, ImageType.TCP_STREAM)) {
            w.write(e, new byte[] {'a', 'b', 'c', 'x', 'y'});
        }
        try (ImageReader r = ImageReader.open(img)) {
            assertEquals(e, r.next());
            assertEquals(5, r.payloadRemaining());
            assertArrayEquals("abc".getBytes(), r.readPayload(3));
            assertArrayEquals("xy".getBytes(), r.readPayload(2));
            assertNull(r.next());
        }
    }

    @Test
    void bigEntryBeyondReadWindow() throws IOException {
        Path img = tmp.resolve("core-1.img");
        StringBuilder comm = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            comm.append((char) ('a' + i % 26));
        }
        CoreEntry c = CoreEntry.newBuilder().setMtype(CoreEntry.March.X86_64)
                .setTc(TaskCoreEntry.newBuilder().setTaskState(1).setExitCode(0).setPersonality(0).setFlags(0)
                        .setBlkSigset(0).setComm(comm.toString()))
                .build();
        try (ImageWriter w = ImageWriter.create(img, ImageType.CORE)) {
            w.write(c);
            w.write(c);
        }
        try (ImageReader r = ImageReader.open(img, ImageType.CORE)) {
            assertEquals(c, r.next());
            assertEquals(c, r.next());
            assertNull(r.next());
        }
    }

    @Test
    void manyEntriesReadBack() throws IOException {
        Path img = tmp.resolve("fdinfo-1.img");
        try (ImageWriter w = ImageWriter.create(img, ImageType.FDINFO)) {
            for (int i = 0; i < 50_000; i++) {
                w.write(FdinfoEntry.newBuilder().setId(i).setFlags(0).setType(FdTypes.REG).setFd(i).build());
            }
        }
        try (ImageReader r = ImageReader.open(img)) {
            int n = 0;
            while (r.hasNext()) {
                assertEquals(n, ((FdinfoEntry) r.next()).getFd());
                n++;
            }
            assertEquals(50_000, n);
        }
    }

    @Test
    void rawBytesFieldsSurvive() throws IOException {
        Path img = tmp.resolve("creds-1.img");
        org.jcriu.images.proto.CredsEntry c = org.jcriu.images.proto.CredsEntry.newBuilder().setUid(1).setGid(2).setEuid(3)
                .setEgid(4).setSuid(5).setSgid(6).setFsuid(7).setFsgid(8).setSecbits(0).addCapAmb(1).addCapAmb(2)
                .setApparmorData(ByteString.copyFrom(new byte[] {0, (byte) 255})).build();
        try (ImageWriter w = ImageWriter.create(img, ImageType.CREDS)) {
            w.write(c);
        }
        try (ImageReader r = ImageReader.open(img)) {
            assertEquals(c, r.next());
        }
    }

    @Test
    void imageDirSingleAndAll() throws IOException {
        ImageDir dir = new ImageDir(tmp);
        org.jcriu.images.proto.FsEntry fs = org.jcriu.images.proto.FsEntry.newBuilder().setCwdId(1).setRootId(2).setUmask(022).build();
        dir.writeSingle(ImageType.FS, 5, fs);
        assertEquals(fs, dir.readSingle(ImageType.FS, 5));
        assertTrue(dir.exists(ImageType.FS, 5));
        dir.writeAll(ImageType.FS, 6, java.util.List.of(fs, fs));
        assertEquals(2, dir.readAll(ImageType.FS, 6).size());
        ImageException e = assertThrows(ImageException.class, () -> dir.readSingle(ImageType.FS, 6));
        assertTrue(e.problem().contains("more than the one"), e.problem());
        dir.writeAll(ImageType.FS, 7, java.util.List.of());
        e = assertThrows(ImageException.class, () -> dir.readSingle(ImageType.FS, 7));
        assertTrue(e.problem().contains("no entry"), e.problem());
        ImageDir vec = new ImageDir(Vectors.dump());
        org.jcriu.images.proto.FsEntry vfs = (org.jcriu.images.proto.FsEntry) vec.readSingle(ImageType.FS, 30978);
        assertEquals(19, vfs.getCwdId());
        assertEquals(20, vfs.getRootId());
        assertEquals(4, ((PstreeEntry) vec.readAll(ImageType.PSTREE, 0).get(0)).getThreadsCount());
    }
}
