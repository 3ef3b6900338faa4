package org.jcriu.criu.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
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
        JnaStart.skipLdconfig();
        // what the action needs first warms up on another core while the line is parsed
        String action = action(args);
        if ("dump".equals(action)) org.jcriu.criu.dump.Natives.startInBackground();
        if ("restore".equals(action)) org.jcriu.criu.restore.Restorer.prepare();
        int rc = run(args);
        // Everything the action wrote is closed by now (logs, images, pidfile), and a restore
        // has waited for its restored zombies to be zombies; the JVM's orderly exit (shutdown
        // hooks: none of ours) would cost a short run 10 to 30 ms more.
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(rc);
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
            if (!a.startsWith("-")) {
                return switch (a) {
                    case "dump", "restore", "check", "swrk" -> a;
                    default -> null;
                };
            }
        }
        return null;
    }

    /**
     * Runs one criu invocation and returns its exit code; never exits the JVM. The common
     * lines go through {@link QuickParser}; picocli parses the rest (help, usage, errors).
     */
    public static int run(String... args) {
        Callable<Integer> quick = QuickParser.parse(args);
        if (quick != null) {
            try {
                return quick.call();
            } catch (Exception e) {
                return FailureHandler.report(e, quick, new PrintWriter(System.err, true));
            }
        }
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
