package org.jcriu.criu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The quick parser must read a line exactly as picocli does, or hand it to picocli.
 * Every option is taken from the annotations themselves, so an option added there
 * and not to the quick parser fails here.
 */
class QuickParserTest {

    /** An annotated option and whether it is a flag (a boolean field). */
    private record Opt(Option option, boolean flag) {}

    /** Each action with the options its annotations declare (mixins included). */
    private static Map<String, List<Opt>> optionsByAction() {
        Map<String, List<Opt>> m = new LinkedHashMap<>();
        m.put("dump", options(DumpCommand.class));
        m.put("restore", options(RestoreCommand.class));
        m.put("check", options(CheckCommand.class));
        return m;
    }

    private static List<Opt> options(Class<?> c) {
        List<Opt> l = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            if (f.isAnnotationPresent(Option.class)) l.add(new Opt(f.getAnnotation(Option.class), f.getType() == boolean.class));
            if (f.isAnnotationPresent(CommandLine.Mixin.class)) l.addAll(options(f.getType()));
        }
        for (Method me : c.getDeclaredMethods()) {
            if (me.isAnnotationPresent(Option.class)) l.add(new Opt(me.getAnnotation(Option.class), false));
        }
        return l;
    }

    /** A value picocli and the quick parser both accept for this option. */
    private static String valueFor(Option o) {
        if (o.names()[0].equals("--network-lock")) return "nftables";
        return "7";
    }

    @Test
    void everyOptionUnderEveryNameAndFormMatchesPicocli() throws Exception {
        int lines = 0;
        for (Map.Entry<String, List<Opt>> e : optionsByAction().entrySet()) {
            String action = e.getKey();
            for (Opt opt : e.getValue()) {
                Option o = opt.option();
                for (String name : o.names()) {
                    List<List<String>> forms = new ArrayList<>();
                    if (!opt.flag()) {
                        // "-v N": an optional value apart is left to picocli (unusualLinesAreLeftToPicocli)
                        if (o.arity().isEmpty()) forms.add(List.of(name, valueFor(o)));
                        forms.add(List.of(name + (name.startsWith("--") ? "=" : "") + valueFor(o)));
                    } else {
                        forms.add(List.of(name));
                    }
                    for (List<String> form : forms) {
                        List<String> line = new ArrayList<>(List.of(action));
                        if (action.equals("dump") && !name.equals("-t") && !name.equals("--tree")) line.addAll(List.of("-t", "42"));
                        line.addAll(form);
                        assertSame(line.toArray(String[]::new));
                        lines++;
                    }
                }
            }
        }
        assertTrue(lines > 30, "lines checked: " + lines);
    }

    @Test
    void everydayLinesMatchPicocli() throws Exception {
        assertSame("dump", "-t", "123", "-D", "/tmp/x", "-o", "dump.log", "-v4");
        assertSame("dump", "-t", "123", "-D", "/tmp/x", "-o", "dump.log", "-v");
        assertSame("dump", "--tree=9", "--images-dir=/d", "--leave-running", "--shell-job", "-W", "/w", "--pidfile", "p");
        assertSame("restore", "-d", "-D", "/tmp/x", "--pidfile", "/tmp/x/r.pid", "-o", "restore.log", "-v0");
        assertSame("restore", "-D", "rel/dir", "--tcp-established", "--network-lock", "skip", "--display-stats");
        assertSame("check");
        assertSame("check", "--all", "-v3");
    }

    @Test
    void unusualLinesAreLeftToPicocli() {
        for (String[] line : new String[][] {
                {}, {"--help"}, {"-h"}, {"-V"}, {"--version"}, {"swrk", "3"}, {"dump", "--help"},
                {"dump"}, {"dump", "-t"}, {"dump", "-t", "0x10"}, {"dump", "-t", "-5"}, {"dump", "-t", "1", "-t", "2"},
                {"dump", "-t", "1", "--bogus"}, {"dump", "-t", "1", "-jl"}, {"dump", "-t", "1", "extra"},
                {"dump", "-t", "1", "-v", "3"}, {"dump", "-t", "1", "-D", "-x"}, {"dump", "-t", "1", "-d"},
                {"restore", "-t", "1"}, {"restore", "--network-lock", "carrier-pigeon"}, {"check", "-R"},
                {"-v4", "dump", "-t", "1"}, {"dump", "-t", "99999999999"}, {"dump", "-t", "1", "--shell-job=true"},
                {"dump", "-t", "1", "--"}}) {
            assertNull(QuickParser.parse(line), String.join(" ", line));
        }
    }

    /** Both parsers give commands with equal fields (the network lock method is one of the common options' fields). */
    private static void assertSame(String... line) throws Exception {
        String where = String.join(" ", line);
        Callable<Integer> quick = QuickParser.parse(line);
        assertNotNull(quick, "quick parser refused: " + where);

        CommandLine cl = new CommandLine(new CriuMain());
        cl.addSubcommand("dump", new DumpCommand());
        cl.addSubcommand("restore", new RestoreCommand());
        cl.addSubcommand("check", new CheckCommand());
        List<CommandLine> parsed = cl.parseArgs(line).asCommandLineList();
        Object viaPicocli = parsed.get(parsed.size() - 1).getCommand();
        assertEquals(fields(viaPicocli), fields(quick), where);
    }

    /** The command's fields by name, with the common options' fields flattened in. */
    private static Map<String, Object> fields(Object cmd) throws IllegalAccessException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", cmd.getClass().getSimpleName());
        for (Field f : cmd.getClass().getDeclaredFields()) {
            f.setAccessible(true);
            Object v = f.get(cmd);
            if (v instanceof CommonOptions c) {
                for (Field g : CommonOptions.class.getDeclaredFields()) {
                    g.setAccessible(true);
                    m.put("common." + g.getName(), g.get(c));
                }
            } else {
                m.put(f.getName(), v);
            }
        }
        return m;
    }
}
