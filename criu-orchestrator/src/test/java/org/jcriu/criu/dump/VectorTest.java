package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jcriu.criu.testing.Victim;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FdinfoEntry;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.MemfdInodeEntry;
import org.jcriu.images.proto.MmEntry;
import org.jcriu.images.proto.VmaEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program of the CRIU 4.2 test vector (/work/shared/criu-images/threads-fds.c),
 * dumped by jcriu: the same image files, and the state in them.
 */
class VectorTest {
    private static final Path VECTOR = Path.of("/work/shared/criu-images/threads-fds");
    @TempDir Path dir;
    @TempDir Path vec;

    private static TreeSet<String> names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString().replaceAll("-\\d+", "-N"))
                    .filter(n -> !n.equals("stats-restore")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void sameImagesAndStateAsCriu() throws Exception {
        try (Victim v = Victim.startWith("threads-fds", new String[] {"-DVECDIR=\"" + vec + "\""})) {
            List<Integer> tids = org.jcriu.criu.proc.ProcFs.threads(v.pid);
            long blocked = org.jcriu.criu.proc.ProcStatus.read(v.pid).sigBlk();
            assertEquals(0x800, blocked & 0x800);
            Dumper.dump(DumpOptions.of(v.pid, dir));
            assertTrue(v.awaitGone(5000));
            if (Files.isDirectory(VECTOR)) assertEquals(names(VECTOR), names(dir));
            Images.critDecodesAll(dir);

            Map<Integer, FdinfoEntry> fds = new HashMap<>();
            for (byte[] e : Images.entries(dir.resolve("fdinfo-2.img"))) {
                FdinfoEntry f = FdinfoEntry.parseFrom(e);
                fds.put(f.getFd(), f);
            }
            Map<Integer, FileEntry> files = new HashMap<>();
            for (byte[] e : Images.entries(dir.resolve("files.img"))) {
                FileEntry f = FileEntry.parseFrom(e);
                files.put(f.getId(), f);
            }
            assertEquals(FdTypes.PIPE, fds.get(3).getType());
            assertEquals(FdTypes.UNIXSK, fds.get(5).getType());
            FileEntry sk6 = files.get(fds.get(6).getId());
            assertEquals(sk6.getUsk().getPeer(), files.get(fds.get(5).getId()).getUsk().getIno());
            assertEquals(7, files.get(fds.get(7).getId()).getEfd().getCounter());
            assertEquals(1, files.get(fds.get(8).getId()).getTfd().getClockid());
            assertEquals(5, files.get(fds.get(8).getId()).getTfd().getIsec());
            assertEquals(0x800, files.get(fds.get(9).getId()).getSgfd().getSigmask());
            // the vector had a stray /dev/null at fd 10; here epoll, data and ghost follow signalfd
            int epfd = fds.get(10).getType() == FdTypes.EVENTPOLL ? 10 : 11;
            FileEntry ep = files.get(fds.get(epfd).getId());
            assertEquals(3, ep.getEpfd().getTfd(0).getTfd());
            assertEquals(42, ep.getEpfd().getTfd(0).getData());
            FileEntry data = files.get(fds.get(epfd + 1).getId());
            assertEquals(vec + "/data.txt", data.getReg().getName());
            assertEquals(6, data.getReg().getPos());
            assertEquals(vec + "/ghost.txt", files.get(fds.get(epfd + 2).getId()).getReg().getName());

            byte[] pipes = Files.readAllBytes(dir.resolve("pipes-data.img"));
            assertTrue(new String(pipes, StandardCharsets.ISO_8859_1).endsWith("pipe-data"));
            byte[] skq = Files.readAllBytes(dir.resolve("sk-queues.img"));
            assertTrue(new String(skq, StandardCharsets.ISO_8859_1).endsWith("queued"));
            byte[] ghost = Files.readAllBytes(dir.resolve("ghost-file-1.img"));
            assertTrue(new String(ghost, StandardCharsets.ISO_8859_1).endsWith("ghost"));

            MemfdInodeEntry mi = MemfdInodeEntry.parseFrom(Images.entries(dir.resolve("memfd.img")).get(0));
            assertEquals("/dev/zero", mi.getName());
            assertEquals(1 << 20, mi.getSize());
            assertTrue(Files.exists(dir.resolve("pagemap-shmem-" + mi.getShmid() + ".img")));

            CoreEntry core = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + v.pid + ".img")).get(0));
            assertNotEquals(0, core.getTc().getSigactions(8).getSigaction(), "SIGUSR1 handler"); // SIGKILL is not listed: sig 10 is index 8
            assertEquals(100, core.getTc().getTimers().getReal().getIsec());
            assertTrue(core.getTc().getTimers().getReal().getVsec() >= 98);
            assertEquals(blocked, core.getTc().getBlkSigset());
            assertEquals(2, core.getThreadCore().getSas().getSsFlags(), "SS_DISABLE");
            for (int tid : tids) {
                CoreEntry c = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + tid + ".img")).get(0));
                assertNotEquals(0, c.getThreadInfo().getClearTidAddr(), "clear_tid of " + tid);
            }
            MmEntry mm = MmEntry.parseFrom(Images.entries(dir.resolve("mm-" + v.pid + ".img")).get(0));
            boolean memfdVma = false;
            for (VmaEntry e : mm.getVmasList()) if ((e.getStatus() & MemoryDumper.VMA_AREA_MEMFD) != 0) memfdVma = true;
            assertTrue(memfdVma);
        }
    }
}
