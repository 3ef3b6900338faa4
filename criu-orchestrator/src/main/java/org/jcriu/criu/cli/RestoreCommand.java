package org.jcriu.criu.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code criu restore -D DIR}: bring a dumped tree back to life. */
@Command(name = "restore", description = "restore a process tree from images")
final class RestoreCommand implements Callable<Integer>, CommonOptions.Holder {
    @Mixin CommonOptions common;

    @Option(names = {"-d", "--restore-detached"}, description = "detach from the restored tree and exit")
    boolean detached;

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() throws Exception {
        throw new UnsupportedOperationException("restore is not implemented yet");
    }
}
