package org.jcriu.criu.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code criu} command: one option table per action, CRIU's names and
 * exit codes (0 on success, 1 on any failure, usage errors included).
 */
@Command(name = "criu",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Checkpoint/restore in userspace (jcriu)")
public final class CriuMain {

    public static void main(String[] args) {
        // what the action needs first warms up on another core while picocli parses
        String action = action(args);
        if ("dump".equals(action)) org.jcriu.criu.dump.Natives.startInBackground();
        if ("restore".equals(action)) org.jcriu.criu.restore.Restorer.prepare();
        System.exit(run(args));
    }

    /** The actions, in the order help lists them. */
    private static Map<String, Supplier<Object>> actions() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("dump", DumpCommand::new);
        m.put("restore", RestoreCommand::new);
        m.put("check", CheckCommand::new);
        m.put("swrk", SwrkCommand::new);
        return m;
    }

    /** The action named on the command line (its first word that is not an option), or null. */
    private static String action(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) return actions().containsKey(a) ? a : null;
        }
        return null;
    }

    /** Runs one criu invocation and returns its exit code; never exits the JVM. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new CriuMain());
        // picocli builds the model of every registered command by reflection, which is a good
        // part of a short run's start: only the action asked for is registered (all of them
        // when none is named, for help and usage errors)
        String action = action(args);
        for (Map.Entry<String, Supplier<Object>> e : actions().entrySet()) {
            if (action == null || action.equals(e.getKey())) cl.addSubcommand(e.getKey(), e.getValue().get());
        }
        cl.setExecutionExceptionHandler(new FailureHandler());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("criu: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return 1;
        });
        return cl.execute(args);
    }
}
