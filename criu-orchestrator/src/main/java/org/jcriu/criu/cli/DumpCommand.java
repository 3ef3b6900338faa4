package org.jcriu.criu.cli;

import java.util.concurrent.Callable;
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
        throw new UnsupportedOperationException("dump is not implemented yet");
    }
}
