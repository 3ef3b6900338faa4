package org.jcriu.criu.cli;

import java.util.concurrent.Callable;
import org.jcriu.criu.dump.DumpOptions;
import org.jcriu.criu.dump.DumpStats;
import org.jcriu.criu.dump.Dumper;
import org.jcriu.criu.util.Log;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code criu dump -t PID -D DIR}: checkpoint a process tree into images. */
@Command(name = "dump", description = "checkpoint a process tree identified by its root pid")
final class DumpCommand implements Callable<Integer>, CommonOptions.Holder {
    @Mixin CommonOptions common;

    @Option(names = {"-t", "--tree"}, required = true, paramLabel = "PID", description = "root of the tree to dump")
    int pid;

    @Option(names = {"-R", "--leave-running"}, description = "leave the tree running after the dump")
    boolean leaveRunning;

    @Option(names = "--track-mem", description = "reserved: memory change tracking for iterative dumps")
    boolean trackMem;

    @Option(names = "--prev-images-dir", paramLabel = "DIR", description = "reserved: images of a previous (pre-)dump")
    String prevImagesDir;

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() throws Exception {
        if (trackMem || prevImagesDir != null) {
            throw new IllegalArgumentException("--track-mem and --prev-images-dir are reserved: iterative dumps are not supported yet");
        }
        try (Log log = Log.open(common.logPath(), common.verbosity())) {
            DumpOptions o = new DumpOptions(pid, common.imagesDir(), leaveRunning, common.shellJob(), common.extUnixSk(),
                    common.fileLocks(), common.tcpEstablished(), common.pidfile(), System.console() != null, common.networkLock());
            DumpStats s = Dumper.dump(o);
            if (common.displayStats()) {
                System.out.println("Displaying dump stats:");
                System.out.printf("Freezing time: %d us%n", s.freezingTime);
                System.out.printf("Frozen time: %d us%n", s.frozenTime);
                System.out.printf("Memory dump time: %d us%n", s.memdumpTime);
                System.out.printf("Memory write time: %d us%n", s.memwriteTime);
                System.out.printf("Memory pages scanned: %d (0x%x)%n", s.pagesScanned, s.pagesScanned);
                System.out.printf("Memory pages written: %d (0x%x)%n", s.pagesWritten, s.pagesWritten);
            }
            return 0;
        }
    }
}
