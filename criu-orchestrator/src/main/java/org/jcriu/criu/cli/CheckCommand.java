package org.jcriu.criu.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.jcriu.criu.dump.KernelCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code criu check}: probe the kernel for what checkpoint/restore needs. Prints
 * "Looks good." and exits 0 when every required feature is there; otherwise one
 * "Error: ..." line per missing feature and exit code 1. Optional features that are
 * missing print "Warn: ..." (with --all, or -v3 and up, also the ones present).
 */
@Command(name = "check", description = "check that the kernel supports what jcriu needs")
final class CheckCommand implements Callable<Integer>, CommonOptions.Holder {
    @Mixin CommonOptions common;

    @Option(names = "--all", description = "also report optional features")
    boolean all;

    @Override
    public CommonOptions common() {
        return common;
    }

    @Override
    public Integer call() {
        List<KernelCheck.Result> results = KernelCheck.run();
        boolean ok = true;
        for (KernelCheck.Result r : results) {
            if (r.ok()) {
                if (all || common.verbosity() >= 3) System.out.println("ok: " + r.feature());
            } else if (r.required()) {
                System.err.println("Error: " + r.feature() + ": " + r.message());
                ok = false;
            } else if (all || common.verbosity() >= 3) {
                System.err.println("Warn: " + r.feature() + ": " + r.message());
            }
        }
        if (ok) System.out.println("Looks good.");
        return ok ? 0 : 1;
    }
}
