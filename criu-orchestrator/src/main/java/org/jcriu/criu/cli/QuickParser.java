package org.jcriu.criu.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Parses the everyday command lines of dump, restore and check without picocli.
 *
 * <p>Why: picocli builds its model of a command by reading the {@code @Option}
 * annotations through reflection (a dynamic proxy per annotation type, converters,
 * mixins): 50 to 70 ms of a short run's start, paid twice by a dump and a restore.
 * This parser fills the same command objects directly.
 *
 * <p>It takes only exact, unambiguous forms: the action first, then options by the
 * names the annotations declare, as {@code --name value}, {@code --name=value},
 * {@code -Xvalue} or {@code -X value}, each at most once. For anything else (help,
 * version, swrk, an unknown or repeated option, clustered short flags, a missing
 * required option, a value picocli might read differently) it returns null and
 * picocli parses the whole line, so help, usage and error messages stay picocli's.
 * {@code QuickParserTest} checks that both parsers agree on every annotated option.
 */
final class QuickParser {
    private QuickParser() {}

    /** The command the line asks for, ready to call, or null when picocli must parse it. */
    static Callable<Integer> parse(String... args) {
        if (args.length == 0) return null;
        CommonOptions c = new CommonOptions();
        Callable<Integer> cmd;
        switch (args[0]) {
            case "dump" -> cmd = new DumpCommand();
            case "restore" -> cmd = new RestoreCommand();
            case "check" -> cmd = new CheckCommand();
            default -> {
                return null;
            }
        }
        Set<String> seen = new HashSet<>();
        String networkLock = "iptables"; // picocli hands the default to the setter too
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
            } else if (a.length() > 2 && a.charAt(0) == '-') {
                name = a.substring(0, 2);
                value = a.substring(2);
            } else if (a.length() < 2 || a.charAt(0) != '-') {
                return null; // a positional word, or "-": picocli's error
            }
            String key = canonical(name, cmd);
            if (key == null || !seen.add(key)) return null;
            boolean takesValue = takesValue(key);
            if (!takesValue && value != null) return null; // "-jl", "--shell-job=true"
            if (takesValue && value == null) {
                boolean next = i + 1 < args.length && !args[i + 1].startsWith("-");
                if (key.equals("-v")) {
                    if (next) return null; // "-v 3": picocli decides whether 3 is its value
                    value = "4";
                } else {
                    if (!next) return null;
                    value = args[++i];
                }
            }
            switch (key) {
                case "--images-dir" -> c.imagesDir = Path.of(value);
                case "--work-dir" -> c.workDir = Path.of(value);
                case "--log-file" -> c.logFile = value;
                case "-v" -> {
                    Integer v = number(value);
                    if (v == null) return null;
                    c.verbosity = v;
                }
                case "--pidfile" -> c.pidfile = Path.of(value);
                case "--shell-job" -> c.shellJob = true;
                case "--ext-unix-sk" -> c.extUnixSk = true;
                case "--file-locks" -> c.fileLocks = true;
                case "--tcp-established" -> c.tcpEstablished = true;
                case "--network-lock" -> networkLock = value;
                case "--display-stats" -> c.displayStats = true;
                case "--tree" -> {
                    Integer pid = number(value);
                    if (pid == null) return null;
                    ((DumpCommand) cmd).pid = pid;
                }
                case "--leave-running" -> ((DumpCommand) cmd).leaveRunning = true;
                case "--track-mem" -> ((DumpCommand) cmd).trackMem = true;
                case "--prev-images-dir" -> ((DumpCommand) cmd).prevImagesDir = value;
                case "--restore-detached" -> ((RestoreCommand) cmd).detached = true;
                case "--all" -> ((CheckCommand) cmd).all = true;
                default -> {
                    return null;
                }
            }
        }
        if (cmd instanceof DumpCommand && !seen.contains("--tree")) return null; // required: picocli says so
        try {
            c.networkLock(networkLock);
        } catch (RuntimeException e) {
            return null; // an unknown method: picocli reports it
        }
        if (cmd instanceof DumpCommand d) d.common = c;
        if (cmd instanceof RestoreCommand r) r.common = c;
        if (cmd instanceof CheckCommand k) k.common = c;
        return cmd;
    }

    /** One name per option (the long one where there is one), or null if the action has no such option. */
    private static String canonical(String name, Callable<Integer> cmd) {
        String common = switch (name) {
            case "-D", "--images-dir" -> "--images-dir";
            case "-W", "--work-dir" -> "--work-dir";
            case "-o", "--log-file" -> "--log-file";
            case "-v" -> "-v";
            case "--pidfile" -> "--pidfile";
            case "-j", "--shell-job" -> "--shell-job";
            case "--ext-unix-sk" -> "--ext-unix-sk";
            case "-l", "--file-locks" -> "--file-locks";
            case "--tcp-established" -> "--tcp-established";
            case "--network-lock" -> "--network-lock";
            case "--display-stats" -> "--display-stats";
            default -> null;
        };
        if (common != null) return common;
        if (cmd instanceof DumpCommand) {
            return switch (name) {
                case "-t", "--tree" -> "--tree";
                case "-R", "--leave-running" -> "--leave-running";
                case "--track-mem" -> "--track-mem";
                case "--prev-images-dir" -> "--prev-images-dir";
                default -> null;
            };
        }
        if (cmd instanceof RestoreCommand) return name.equals("-d") || name.equals("--restore-detached") ? "--restore-detached" : null;
        return name.equals("--all") ? "--all" : null;
    }

    private static boolean takesValue(String key) {
        return switch (key) {
            case "--images-dir", "--work-dir", "--log-file", "-v", "--pidfile", "--network-lock", "--tree",
                    "--prev-images-dir" -> true;
            default -> false;
        };
    }

    /** A plain decimal int, or null (signs, hex, overflow: left to picocli). */
    private static Integer number(String s) {
        if (s.isEmpty() || s.length() > 9) return null;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return null;
        }
        return Integer.parseInt(s);
    }
}
