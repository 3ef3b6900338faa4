package org.jcriu.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagemapTest {
    @TempDir
    Path tmp;

    private static ByteBuffer pages(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(n * Pagemap.PAGE_SIZE);
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < Pagemap.PAGE_SIZE; i += 8) {
                b.putLong(p * Pagemap.PAGE_SIZE + i, seed * 1000L + p);
            }
        }
        return b;
    }

    @Test
    void writeReadAndWalkPages() throws IOException {
        ImageDir dir = new ImageDir(tmp);
        try (PagemapWriter w = dir.createPagemap(ImageType.PAGEMAP, 42, 3)) {
            w.addPresent(0x400000, pages(2, 1));
            w.addParent(0x500000, 4);
            w.add(0x600000, pages(3, 2), Pagemap.PE_PRESENT | Pagemap.PE_LAZY);
            // caller-written data (as a splice would do)
            w.pagesChannel().write(pages(1, 3), w.pagesBytes());
            w.addWritten(0x700000, 1, Pagemap.PE_PRESENT);
            assertThrows(ImageException.class, () -> w.addWritten(0x800000, 1, Pagemap.PE_PRESENT));
            assertThrows(IllegalArgumentException.class, () -> w.addParent(0x100000, 1));
        }
        assertEquals(6L * Pagemap.PAGE_SIZE, Files.size(tmp.resolve("pages-3.img")));
        // on disk as CRIU 4.x: compat_nr_pages 0, nr_pages field 5
        try (ImageReader r = ImageReader.open(tmp.resolve("pagemap-42.img"), ImageType.PAGEMAP)) {
            assertEquals(3, ((PagemapHead) r.next()).getPagesId());
            PagemapEntry e = (PagemapEntry) r.next();
            assertEquals(0, e.getCompatNrPages());
            assertTrue(e.hasNrPages());
            assertEquals(2, e.getNrPages());
            assertEquals(Pagemap.PE_PRESENT, e.getFlags());
        }
        try (PagemapReader pm = dir.openPagemap(ImageType.PAGEMAP, 42)) {
            List<PageRun> runs = pm.runs();
            assertEquals(4, runs.size());
            assertEquals(new PageRun(0x400000, 2, Pagemap.PE_PRESENT, 0), runs.get(0));
            assertEquals(new PageRun(0x500000, 4, Pagemap.PE_PARENT, -1), runs.get(1));
            assertTrue(runs.get(1).inParent());
            assertTrue(runs.get(2).lazy());
            assertEquals(2L * Pagemap.PAGE_SIZE, runs.get(2).pagesOffset());
            assertEquals(6, pm.presentPages());
            ByteBuffer one = ByteBuffer.allocateDirect(Pagemap.PAGE_SIZE);
            pm.read(runs.get(2), Pagemap.PAGE_SIZE, one);
            assertEquals(2001L, one.getLong(0));

            PagemapReader.Pages it = pm.pages();
            long[] want = {1000, 1001, 2000, 2001, 2002, 3000};
            long[] addr = {0x400000, 0x401000, 0x600000, 0x601000, 0x602000, 0x700000};
            for (int i = 0; i < want.length; i++) {
                assertTrue(it.next());
                assertEquals(addr[i], it.vaddr());
                ByteBuffer page = ByteBuffer.allocateDirect(Pagemap.PAGE_SIZE);
                it.read(page);
                assertEquals(want[i], page.getLong(Pagemap.PAGE_SIZE - 8));
            }
            assertFalse(it.next());

            Path out = tmp.resolve("run.bin");
            try (FileChannel fc = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                pm.transferTo(runs.get(2), fc);
            }
            assertEquals(3L * Pagemap.PAGE_SIZE, Files.size(out));
            assertThrows(IllegalArgumentException.class, () -> pm.transferTo(runs.get(1), null));
        }
    }

    @Test
    void vectorPagemapMatchesItsPagesFile() throws IOException {
        try (PagemapReader pm = PagemapReader.open(Vectors.dump(), ImageType.PAGEMAP, 30978)) {
            assertEquals(2, pm.pagesId());
            assertEquals(19, pm.runs().size());
            assertEquals(Files.size(Vectors.dump().resolve("pages-2.img")), pm.presentPages() * Pagemap.PAGE_SIZE);
            assertEquals(0x557499e5d000L, pm.runs().get(0).vaddr());
            assertTrue(pm.runs().get(2).lazy());
        }
        try (PagemapReader pm = PagemapReader.open(Vectors.dump(), ImageType.SHMEM_PAGEMAP, 9672)) {
            assertEquals(1, pm.pagesId());
            assertEquals(256, pm.presentPages());
            PagemapReader.Pages it = pm.pages();
            int n = 0;
            while (it.next()) {
                n++;
            }
            assertEquals(256, n);
        }
    }

    @Test
    void shortPagesFileIsReported() throws IOException {
        try (PagemapWriter w = PagemapWriter.create(tmp, ImageType.PAGEMAP, 1, 1)) {
            w.addPresent(0x1000, pages(2, 0));
        }
        try (FileChannel fc = FileChannel.open(tmp.resolve("pages-1.img"), StandardOpenOption.WRITE)) {
            fc.truncate(Pagemap.PAGE_SIZE);
        }
        ImageException e = assertThrows(ImageException.class, () -> PagemapReader.open(tmp, ImageType.PAGEMAP, 1));
        assertTrue(e.getMessage().contains("pages-1.img"), e.getMessage());
        assertTrue(e.getMessage().contains("needs 8192"), e.getMessage());
        Files.delete(tmp.resolve("pages-1.img"));
        e = assertThrows(ImageException.class, () -> PagemapReader.open(tmp, ImageType.PAGEMAP, 1));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }
}
