package org.jcriu.criu.dump;

import org.jcriu.criu.proc.Fdinfo;
import org.jcriu.criu.proc.Namespaces;
import org.jcriu.criu.proc.ProcMaps;
import org.jcriu.criu.proc.ProcFs;
import org.jcriu.criu.proc.ProcMisc;
import org.jcriu.criu.proc.ProcStat;
import org.jcriu.criu.proc.ProcStatus;
import org.jcriu.criu.proc.Vma;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.PagemapScan;
import org.jcriu.criu.sys.Trace;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.FdTypes;
import org.jcriu.images.proto.FdinfoEntry;
import org.jcriu.images.proto.FileEntry;
import org.jcriu.images.proto.MmEntry;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.RegFileEntry;
import org.jcriu.images.proto.SaEntry;
import org.jcriu.images.proto.TaskCoreEntry;
import org.jcriu.images.proto.ThreadCoreEntry;
import org.jcriu.images.proto.VmaEntry;

/**
 * Runs, on our own process, the code paths the dump will take (native bindings,
 * /proc parsers, the protobuf builders), before the tree is frozen: class loading
 * and first-call costs are then not paid while the tree is stopped.
 */
public final class Natives {
    private Natives() {}

    private static Thread background;
    private static volatile boolean parsersDone;

    /** What smaps adds under each maps line, as far as the parser cares. */
    private static final String SMAPS_LINES = "Rss:                   4 kB\nVmFlags: rd ex mr mw me dw\n";

    /**
     * Starts the native half of the warm-up on a thread of its own (the CLI calls it
     * first thing, so it runs while the command line is parsed and the images
     * directory is made).
     */
    public static synchronized void startInBackground() {
        if (background != null) return;
        background = new Thread(Natives::run, "jcriu-warmup");
        background.setDaemon(true);
        background.start();
    }

    /**
     * Warms up what the background thread does not (the /proc parsers and the protobuf
     * builders) on this thread, then waits for the background thread's native bindings;
     * without a background thread, does both here. The dumper calls it right before
     * freezing, when it has nothing else to do: on two cores the halves overlap.
     */
    static void warmUp() {
        Thread b;
        synchronized (Natives.class) {
            b = background;
        }
        if (b == null) run();
        if (!parsersDone) {
            parsers();
            parsersDone = true; // a service dumps many times: once is enough
        }
        if (b == null) return;
        try {
            b.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The first few areas of our maps as smaps text: the parser's code paths on a
     * handful of lines. Our own smaps (a JVM: hundreds of areas, a page-table walk
     * each) took 20 to 50 ms, paid again on the wall of every dump.
     */
    private static String someAreas(String maps, String after) {
        StringBuilder b = new StringBuilder();
        int from = 0;
        for (int n = 0; n < 4; n++) {
            int nl = maps.indexOf('\n', from);
            if (nl < 0) break;
            b.append(maps, from, nl + 1).append(after);
            from = nl + 1;
        }
        return b.toString();
    }

    /** The native bindings: JNA's start (about half a short dump's warm-up) and the ioctls. */
    private static void run() {
        int self = (int) ProcessHandle.current().pid();
        try {
            Trace.kcmp(self, self, Trace.KCMP_VM, 0, 0);
        } catch (Errno e) {
            // only the loading matters
        }
        Clock.now(1);
        try (PagemapScan s = new PagemapScan(self)) {
            Vma v = ProcMaps.parseMaps(someAreas(ProcFs.read(self, "maps"), "")).get(0);
            s.scan(v.start(), Math.min(v.end(), v.start() + (64 << 12)), true, (a, b) -> 0);
        } catch (Exception | LinkageError e) {
            // a warm-up only
        }
    }

    /** The /proc parsers and the protobuf builders the dump uses, on small inputs. */
    private static void parsers() {
        int self = (int) ProcessHandle.current().pid();
        try {
            ProcStat.read(self);
            ProcStatus.read(self);
            ProcMaps.parseSmaps(someAreas(ProcFs.read(self, "maps"), SMAPS_LINES));
            Fdinfo.read(self, 0);
            ProcMisc.limits(self);
            ProcMisc.auxv(self);
            Namespaces.inode(self, "net");
            ThreadRegs.emptyTls(12);
            byte[] b = CoreEntry.newBuilder().setMtype(CoreEntry.March.X86_64)
                    .setTc(TaskCoreEntry.newBuilder().setTaskState(1).setExitCode(0).setPersonality(0).setFlags(0)
                            .setBlkSigset(0).setComm("x").addSigactions(SaEntry.newBuilder().setSigaction(0)
                                    .setFlags(0).setRestorer(0).setMask(0)))
                    .setThreadCore(ThreadCoreEntry.newBuilder().setFutexRla(0).setFutexRlaLen(0)).build().toByteArray();
            b = MmEntry.newBuilder().setMmStartCode(0).setMmEndCode(0).setMmStartData(0).setMmEndData(0)
                    .setMmStartStack(0).setMmStartBrk(0).setMmBrk(0).setMmArgStart(0).setMmArgEnd(0).setMmEnvStart(0)
                    .setMmEnvEnd(0).setExeFileId(1).addVmas(VmaEntry.newBuilder().setStart(0).setEnd(1).setPgoff(0)
                            .setShmid(0).setProt(0).setFlags(0).setStatus(0).setFd(-1)).build().toByteArray();
            b = PagemapEntry.newBuilder().setVaddr(0).setCompatNrPages(0).setNrPages(1).build().toByteArray();
            b = FileEntry.newBuilder().setType(FdTypes.REG).setId(1).setReg(RegFileEntry.newBuilder().setId(1)
                    .setFlags(0).setPos(0).setFown(FileTable.NO_FOWN).setName("/")).build().toByteArray();
            b = FdinfoEntry.newBuilder().setId(1).setFlags(0).setType(FdTypes.REG).setFd(0).build().toByteArray();
        } catch (Exception | LinkageError e) {
            // a warm-up only
        }
    }
}
