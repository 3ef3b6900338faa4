package org.jcriu.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jcriu.images.crit.CritRunner;
import org.jcriu.images.proto.*;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's crit (CRIU 3.17, /usr/bin/crit) must decode every image jcriu
 * writes without error: images written with ImageWriter and the vectors
 * re-encoded by jcriu's crit. It predates some 4.x fields, which it skips.
 */
class DebianCritPeerTest {
    static final Path DEBIAN_CRIT = Path.of("/usr/bin/crit");

    @TempDir
    static Path tmp;

    @BeforeAll
    static void needDebianCrit() {
        assertTrue(Files.isExecutable(DEBIAN_CRIT),
                "Debian's crit is missing: install package criu (scripts/install-deps.sh does)");
    }

    @org.junit.jupiter.api.Test
    void magicTableAgreesWithDebianCrit() throws IOException {
        Path magicPy = Path.of("/usr/lib/python3/dist-packages/pycriu/images/magic.py");
        assertTrue(Files.exists(magicPy), "pycriu's magic table is missing: " + magicPy);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("by_name\\['([A-Z0-9_]+)'\\] = (\\d+)")
                .matcher(Files.readString(magicPy));
        int checked = 0;
        while (m.find()) {
            String name = m.group(1);
            int value = (int) Long.parseLong(m.group(2));
            if (name.equals("IMG_COMMON")) {
                assertEquals(ImageMagic.IMG_COMMON, value);
            } else if (name.equals("IMG_SERVICE")) {
                assertEquals(ImageMagic.IMG_SERVICE, value);
            } else if (!name.equals("CRTOOLS_IMAGES_V1_1") && !name.equals("KDAT")) {
                ImageType t = ImageType.byCritName(name);
                assertTrue(t != null, "no ImageType for " + name);
                assertEquals(value, t.magic(), name);
                assertEquals(t, ImageType.byMagic(value), name);
                checked++;
            }
        }
        assertTrue(checked > 60, "checked only " + checked);
    }

    private static FownEntry fown() {
        return FownEntry.newBuilder().setUid(0).setEuid(0).setSignum(0).setPidType(0).setPid(0).build();
    }

    static void writeDump(Path d) throws IOException {
        ImageDir dir = new ImageDir(d);
        int pid = 4242;
        try (ImageWriter w = dir.create(ImageType.INVENTORY)) {
            w.write(InventoryEntry.newBuilder().setImgVersion(2).setFdinfoPerId(true)
                    .setRootIds(TaskKobjIdsEntry.newBuilder().setVmId(1).setFilesId(1).setFsId(1).setSighandId(1).setTimeNsId(5))
                    .setNsPerId(true).setLsmtype(Lsmtype.NO_LSM).setPluginsEntry(PluginsEntry.getDefaultInstance())
                    .setDumpCriuRunId("jcriu-test-run").build());
        }
        try (ImageWriter w = dir.create(ImageType.PSTREE)) {
            w.write(PstreeEntry.newBuilder().setPid(pid).setPpid(0).setPgid(pid).setSid(pid).addThreads(pid).addThreads(pid + 1).build());
        }
        ItimerEntry zero = ItimerEntry.newBuilder().setIsec(0).setIusec(0).setVsec(0).setVusec(0).build();
        TaskCoreEntry.Builder tc = TaskCoreEntry.newBuilder().setTaskState(1).setExitCode(0).setPersonality(0).setFlags(0x400000)
                .setBlkSigset(0x800).setComm("peer")
                .setTimers(TaskTimersEntry.newBuilder().setReal(zero.toBuilder().setIsec(1)).setVirt(zero).setProf(zero))
                .setRlimits(TaskRlimitsEntry.newBuilder().addRlimits(RlimitEntry.newBuilder().setCur(-1L).setMax(-1L)))
                .setLoginuid(-1).setOomScoreAdj(-17);
        for (int s = 0; s < 64; s++) {
            tc.addSigactions(SaEntry.newBuilder().setSigaction(s == 10 ? 0x401000 : 0).setFlags(0x4000000).setRestorer(0)
                    .setMask(0).setCompatSigaction(false));
        }
        UserX86RegsEntry.Builder regs = UserX86RegsEntry.newBuilder();
        for (com.google.protobuf.Descriptors.FieldDescriptor f : UserX86RegsEntry.getDescriptor().getFields()) {
            if (f.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.LONG) {
                regs.setField(f, 0x1000L + f.getNumber());
            }
        }
        regs.setMode(UserX86RegsMode.NATIVE);
        UserX86FpregsEntry.Builder fp = UserX86FpregsEntry.newBuilder().setCwd(0x37f).setSwd(0).setTwd(0).setFop(0).setRip(0)
                .setRdp(0).setMxcsr(0x1f80).setMxcsrMask(0xffff)
                .setXsave(UserX86XsaveEntry.newBuilder().setXstateBv(7).setCet(UserX86CetEntry.newBuilder().setCet(1).setSsp(2)));
        for (int i = 0; i < 32; i++) {
            fp.addStSpace(i);
        }
        for (int i = 0; i < 64; i++) {
            fp.addXmmSpace(i);
            fp.getXsaveBuilder().addYmmhSpace(i);
        }
        CredsEntry creds = CredsEntry.newBuilder().setUid(0).setGid(0).setEuid(0).setEgid(0).setSuid(0).setSgid(0).setFsuid(0)
                .setFsgid(0).addCapInh(0).addCapInh(0).addCapPrm(-1).addCapPrm(0x1ff).addCapEff(-1).addCapEff(0x1ff)
                .addCapBnd(-1).addCapBnd(0x1ff).setSecbits(0).addCapAmb(0).addCapAmb(0).build();
        for (int t = pid; t <= pid + 1; t++) {
            try (ImageWriter w = dir.create(ImageType.CORE, t)) {
                CoreEntry.Builder c = CoreEntry.newBuilder().setMtype(CoreEntry.March.X86_64)
                        .setThreadInfo(ThreadInfoX86.newBuilder().setClearTidAddr(0x7f0000001000L).setGpregs(regs).setFpregs(fp))
                        .setThreadCore(ThreadCoreEntry.newBuilder().setFutexRla(0x7f0000002000L).setFutexRlaLen(24)
                                .setSchedNice(0).setSchedPolicy(0).setBlkSigset(0).setCreds(creds).setComm("peer")
                                .setRseqEntry(RseqEntry.newBuilder().setRseqAbiPointer(0x7f0000003000L).setRseqAbiSize(32)
                                        .setSignature(0x53053053))
                                .setCgSet(1));
                if (t == pid) {
                    c.setTc(tc);
                }
                w.write(c.build());
            }
        }
        try (ImageWriter w = dir.create(ImageType.IDS, pid)) {
            w.write(TaskKobjIdsEntry.newBuilder().setVmId(1).setFilesId(1).setFsId(1).setSighandId(1).setPidNsId(1).build());
        }
        try (ImageWriter w = dir.create(ImageType.MM, pid)) {
            w.write(MmEntry.newBuilder().setMmStartCode(0x400000).setMmEndCode(0x401000).setMmStartData(0x600000)
                    .setMmEndData(0x601000).setMmStartStack(0x7ffd0000L).setMmStartBrk(0x602000).setMmBrk(0x603000)
                    .setMmArgStart(0x7ffd1000L).setMmArgEnd(0x7ffd1010L).setMmEnvStart(0x7ffd1010L).setMmEnvEnd(0x7ffd1100L)
                    .setExeFileId(3).addMmSavedAuxv(33).addMmSavedAuxv(0x7ffd2000L)
                    .addVmas(VmaEntry.newBuilder().setStart(0x400000).setEnd(0x401000).setPgoff(0).setShmid(3).setProt(5)
                            .setFlags(2).setStatus(0x41).setFd(-1))
                    .addVmas(VmaEntry.newBuilder().setStart(0x7ffd0000L).setEnd(0x7ffd3000L).setPgoff(0).setShmid(0).setProt(3)
                            .setFlags(0x122).setStatus(0x203).setFd(-1))
                    .build());
        }
        try (PagemapWriter pw = dir.createPagemap(ImageType.PAGEMAP, pid, 1)) {
            ByteBuffer pages = ByteBuffer.allocateDirect(3 * Pagemap.PAGE_SIZE);
            pages.put(0, (byte) 0x7f);
            pw.addParent(0x600000, 1);
            pw.addPresent(0x7ffd0000L, pages);
        }
        try (ImageWriter w = dir.create(ImageType.FDINFO, 1)) {
            w.write(FdinfoEntry.newBuilder().setId(3).setFlags(0).setType(FdTypes.REG).setFd(0).build());
            w.write(FdinfoEntry.newBuilder().setId(4).setFlags(0).setType(FdTypes.PIPE).setFd(1).build());
            w.write(FdinfoEntry.newBuilder().setId(5).setFlags(0).setType(FdTypes.UNIXSK).setFd(2).build());
        }
        try (ImageWriter w = dir.create(ImageType.FILES)) {
            w.write(FileEntry.newBuilder().setType(FdTypes.REG).setId(3).setReg(RegFileEntry.newBuilder().setId(3)
                    .setFlags(0102).setPos(17).setFown(fown()).setName("/tmp/peer \u00e9.txt").setSize(100)).build());
            w.write(FileEntry.newBuilder().setType(FdTypes.PIPE).setId(4)
                    .setPipe(PipeEntry.newBuilder().setId(4).setPipeId(77).setFlags(0).setFown(fown())).build());
            w.write(FileEntry.newBuilder().setType(FdTypes.UNIXSK).setId(5).setUsk(UnixSkEntry.newBuilder().setId(5).setIno(99)
                    .setType(1).setState(1).setFlags(0).setUflags(0).setBacklog(0).setPeer(100).setFown(fown())
                    .setOpts(SkOptsEntry.newBuilder().setSoSndbuf(212992).setSoRcvbuf(212992).setSoSndTmoSec(0)
                            .setSoSndTmoUsec(0).setSoRcvTmoSec(0).setSoRcvTmoUsec(0))
                    .setName(ByteString.copyFrom(new byte[] {0, 'p', '=', 'q'}))).build());
            SkOptsEntry opts = SkOptsEntry.newBuilder().setSoSndbuf(1).setSoRcvbuf(2).setSoSndTmoSec(0).setSoSndTmoUsec(0)
                    .setSoRcvTmoSec(0).setSoRcvTmoUsec(0).build();
            // addresses: u32 words holding network-order bytes
            w.write(FileEntry.newBuilder().setType(FdTypes.INETSK).setId(7).setIsk(InetSkEntry.newBuilder().setId(7).setIno(700)
                    .setFamily(2).setType(1).setProto(6).setState(1).setSrcPort(80).setDstPort(40000).setFlags(0x800).setBacklog(0)
                    .addSrcAddr(0x0100007f).addDstAddr(0x0302010a).setFown(fown()).setOpts(opts)).build());
            w.write(FileEntry.newBuilder().setType(FdTypes.INETSK).setId(8).setIsk(InetSkEntry.newBuilder().setId(8).setIno(800)
                    .setFamily(10).setType(2).setProto(17).setState(7).setSrcPort(53).setDstPort(0).setFlags(0).setBacklog(0)
                    .addSrcAddr(0).addSrcAddr(0).addSrcAddr(0).addSrcAddr(0x01000000)
                    .addDstAddr(0xb80d0120).addDstAddr(0).addDstAddr(0x00000100).addDstAddr(0x01000000)
                    .setFown(fown()).setOpts(opts).setV6Only(true)).build());
            w.write(FileEntry.newBuilder().setType(FdTypes.INETSK).setId(9).setIsk(InetSkEntry.newBuilder().setId(9).setIno(900)
                    .setFamily(10).setType(3).setProto(136).setState(10).setSrcPort(1).setDstPort(2).setFlags(0).setBacklog(5)
                    .addSrcAddr(0).addSrcAddr(0).addSrcAddr(0xffff0000).addSrcAddr(0x04030201)
                    .addDstAddr(0).addDstAddr(0).addDstAddr(0).addDstAddr(0)
                    .setFown(fown()).setOpts(opts)).build());
            byte[] longName = ("/tmp/a very long unix socket path with = signs and tabs\t and spaces at the end and more "
                    + "text past seventy-six characters   ").getBytes(StandardCharsets.UTF_8);
            w.write(FileEntry.newBuilder().setType(FdTypes.UNIXSK).setId(10).setUsk(UnixSkEntry.newBuilder().setId(10).setIno(1000)
                    .setType(5).setState(10).setFlags(0).setUflags(0).setBacklog(128).setPeer(0).setFown(fown()).setOpts(opts)
                    .setName(ByteString.copyFrom(longName))).build());
            w.write(FileEntry.newBuilder().setType(FdTypes.REG).setId(11).setReg(RegFileEntry.newBuilder().setId(11)
                    .setFlags(02004002).setPos(0).setFown(fown()).setName("/tmp/\"q\"\\\u0001\u007f\ud83d\ude00")).build());
            w.write(FileEntry.newBuilder().setType(FdTypes.EVENTFD).setId(6)
                    .setEfd(EventfdFileEntry.newBuilder().setId(6).setFlags(2).setFown(fown()).setCounter(5)).build());
        }
        try (ImageWriter w = dir.create(ImageType.PIPES_DATA)) {
            w.write(PipeDataEntry.newBuilder().setPipeId(77).setBytes(5).setSize(65536).build(), "hello".getBytes());
        }
        try (ImageWriter w = dir.create(ImageType.SK_QUEUES)) {
            w.write(SkPacketEntry.newBuilder().setIdFor(5).setLength(3).build(), new byte[] {1, 2, 3});
        }
        try (ImageWriter w = dir.create(ImageType.TCP_STREAM, 0x1f)) {
            w.write(TcpStreamEntry.newBuilder().setInqLen(2).setInqSeq(100).setOutqLen(3).setOutqSeq(200).setOptMask(7)
                    .setSndWscale(7).setMssClamp(65483).setRcvWscale(7).setTimestamp(12345).build(), "inout".getBytes());
        }
        try (ImageWriter w = dir.create(ImageType.GHOST_FILE, 1)) {
            w.write(GhostFileEntry.newBuilder().setUid(0).setGid(0).setMode(0100600).setDev(254 << 20).setIno(12)
                    .setAtim(Timeval.newBuilder().setTvSec(1).setTvUsec(2)).setMtim(Timeval.newBuilder().setTvSec(1).setTvUsec(2))
                    .build(), "ghost data".getBytes());
        }
        try (ImageWriter w = dir.create(ImageType.CREDS, pid)) {
            w.write(creds.toBuilder().clearCapAmb().addGroups(10).addGroups(20).setLsmProfile("unconfined").build());
        }
        try (ImageWriter w = dir.create(ImageType.SIGACT, pid)) {
            w.write(SaEntry.newBuilder().setSigaction(0x401000).setFlags(0x14000000).setRestorer(0x7f00000010L).setMask(1L << 63)
                    .setCompatSigaction(false).build());
        }
        try (ImageWriter w = dir.create(ImageType.ITIMERS, pid)) {
            w.write(zero.toBuilder().setIsec(5).build());
        }
        try (ImageWriter w = dir.create(ImageType.REG_FILES)) {
            w.write(RegFileEntry.newBuilder().setId(20).setFlags(0100000).setPos(0).setFown(fown()).setName("/")
                    .setMode(040755).build());
        }
        try (ImageWriter w = dir.create(ImageType.FS, pid)) {
            w.write(FsEntry.newBuilder().setCwdId(3).setRootId(3).setUmask(022).build());
        }
        try (ImageWriter w = dir.create(ImageType.TIMENS, 0)) {
            w.write(TimensEntry.newBuilder().setMonotonic(Timespec.newBuilder().setTvSec(1).setTvNsec(2))
                    .setBoottime(Timespec.newBuilder().setTvSec(3).setTvNsec(4)).build());
        }
        try (ImageWriter w = dir.create(ImageType.MEMFD_INODE)) {
            w.write(MemfdInodeEntry.newBuilder().setName("memfd:x").setUid(0).setGid(0).setSize(4096).setShmid(9).setSeals(5)
                    .setInodeId(1).setMode(0100777).build());
        }
        try (ImageWriter w = dir.create(ImageType.SECCOMP)) {
            w.write(SeccompEntry.getDefaultInstance());
        }
        try (ImageWriter w = dir.createStats("dump")) {
            w.write(StatsEntry.newBuilder().setDump(DumpStatsEntry.newBuilder().setFreezingTime(1).setFrozenTime(2).setMemdumpTime(3)
                    .setMemwriteTime(4).setPagesScanned(5).setPagesSkippedParent(0).setPagesWritten(3).setPagesLazy(0)).build());
        }
    }

    private static String runDebianCrit(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(DEBIAN_CRIT.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "crit", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "Debian crit hangs on " + cmd);
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "Debian crit failed: " + cmd + "\n" + text);
        return text;
    }

    @TestFactory
    List<DynamicTest> debianCritDecodesJcriuImages() throws IOException {
        Path written = Files.createDirectories(tmp.resolve("written"));
        writeDump(written);
        Path reencoded = Files.createDirectories(tmp.resolve("reencoded"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Path img : Vectors.images()) {
            Path json = reencoded.resolve(Vectors.base(img) + ".json");
            Path back = reencoded.resolve(img.getFileName());
            tests.add(DynamicTest.dynamicTest("re-encoded " + img.getFileName(), () -> {
                assertEquals(0, CritRunner.run("decode", "--pretty", "-i", img.toString(), "-o", json.toString()).rc());
                assertEquals(0, CritRunner.run("encode", "-i", json.toString(), "-o", back.toString()).rc());
                String plain = runDebianCrit("decode", "-i", back.toString());
                assertTrue(plain.startsWith("{\"magic\": \""), plain);
            }));
        }
        List<Path> files;
        try (var s = Files.list(written)) {
            files = s.sorted().toList();
        }
        assertTrue(files.size() >= 18, "written: " + files);
        for (Path f : files) {
            if (f.getFileName().toString().startsWith("pages-")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest("written " + f.getFileName(), () -> {
                String plain = runDebianCrit("decode", "-i", f.toString());
                assertTrue(plain.startsWith("{\"magic\": \""), plain);
                String pretty = runDebianCrit("decode", "--pretty", "-i", f.toString());
                assertTrue(pretty.startsWith("{\n    \"magic\": "), pretty);
                // and ours reads back what Debian's crit saw, and re-encodes it exactly
                for (String mode : new String[] {"--pretty", "-i"}) {
                    Path json = tmp.resolve(f.getFileName() + mode + ".json");
                    Path back = tmp.resolve(f.getFileName() + mode + ".img");
                    CritRunner.Result d = mode.equals("-i")
                            ? CritRunner.run("decode", "-i", f.toString(), "-o", json.toString())
                            : CritRunner.run("decode", mode, "-i", f.toString(), "-o", json.toString());
                    assertEquals(0, d.rc(), d.err());
                    CritRunner.Result e = CritRunner.run("encode", "-i", json.toString(), "-o", back.toString());
                    assertEquals(0, e.rc(), e.err());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(back),
                            f.getFileName() + " " + mode);
                }
            }));
        }
        for (Path f : files) {
            String n = f.getFileName().toString();
            // these hold CRIU 4.x fields that 3.17 does not know: its output lacks them
            if (n.startsWith("pages-") || n.startsWith("core-") || n.startsWith("pagemap-") || n.equals("inventory.img")
                    || n.equals("memfd.img")) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest("same JSON as Debian crit: " + n, () -> {
                assertEquals(runDebianCrit("decode", "-i", f.toString()), CritRunner.run("decode", "-i", f.toString()).outText());
                assertEquals(runDebianCrit("decode", "--pretty", "-i", f.toString()),
                        CritRunner.run("decode", "--pretty", "-i", f.toString()).outText());
            }));
        }
        tests.add(DynamicTest.dynamicTest("Debian crit sees written values", () -> {
            assertTrue(runDebianCrit("decode", "-i", written.resolve("pstree.img").toString())
                    .contains("\"pid\": 4242, \"ppid\": 0, \"pgid\": 4242, \"sid\": 4242, \"threads\": [4242, 4243]"));
            assertTrue(runDebianCrit("decode", "-i", written.resolve("pipes-data.img").toString())
                    .contains("\"extra\": \"aGVsbG8=\\n\""));
            assertTrue(runDebianCrit("decode", "-i", written.resolve("tcp-stream-1f.img").toString())
                    .contains("\"extra\": {\"inq\": \"aW4=\\n\", \"outq\": \"b3V0\\n\"}"));
            assertTrue(runDebianCrit("decode", "-i", written.resolve("ghost-file-1.img").toString())
                    .contains("\"extra\": \"Z2hvc3QgZGF0YQ==\\n\""));
            assertTrue(runDebianCrit("x", written.toString(), "ps").contains("   4242   peer"));
            assertTrue(runDebianCrit("x", written.toString(), "fds").contains("pipe[77]"));
        }));
        return tests;
    }
}
