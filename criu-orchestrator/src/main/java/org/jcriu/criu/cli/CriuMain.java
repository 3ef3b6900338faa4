package org.jcriu.criu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code criu} command: one option table per action, CRIU's names and
 * exit codes (0 on success, 1 on any failure, usage errors included).
 */
@Command(name = "criu",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Checkpoint/restore in userspace (jcriu)",
        subcommands = {DumpCommand.class, RestoreCommand.class, CheckCommand.class, SwrkCommand.class})
public final class CriuMain {

    public static void main(String[] args) {
        // the dump's code paths warm up on another core while picocli parses
        if (java.util.Arrays.asList(args).contains("dump")) org.jcriu.criu.dump.Natives.startInBackground();
        System.exit(run(args));
    }

    /** Runs one criu invocation and returns its exit code; never exits the JVM. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new CriuMain());
        cl.setExecutionExceptionHandler(new FailureHandler());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("criu: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return 1;
        });
        return cl.execute(args);
    }
}
