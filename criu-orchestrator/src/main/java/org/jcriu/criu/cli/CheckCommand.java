package org.jcriu.criu.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code criu check}: probe the kernel for what checkpoint/restore needs. */
@Command(name = "check", description = "check that the kernel supports what jcriu needs")
final class CheckCommand implements Callable<Integer>, CommonOptions.Holder {
    @Mixin CommonOptions common;

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() throws Exception {
        throw new UnsupportedOperationException("check is not implemented yet");
    }
}
