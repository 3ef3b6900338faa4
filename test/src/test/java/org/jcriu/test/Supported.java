package org.jcriu.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * test/scenarios/SUPPORTED: which scenarios jcriu is expected to checkpoint, in
 * which modes. One scenario a line: {@code NAME MODE...}, MODE one of
 * {@code plain}, {@code leave-running}, {@code twice}, or {@code all};
 * {@code #} starts a comment; blank lines are ignored.
 */
final class Supported {
    private Supported() {}

    enum Mode {
        PLAIN("plain"), LEAVE_RUNNING("leave-running"), TWICE("twice");

        final String word;

        Mode(String word) {
            this.word = word;
        }

        static Mode of(String w) {
            for (Mode m : values()) if (m.word.equals(w)) return m;
            throw new IllegalArgumentException("unknown mode '" + w + "' (plain, leave-running, twice, all)");
        }
    }

    static Map<String, Set<Mode>> read() {
        try {
            return parse(Files.readAllLines(ScenarioEnv.SUPPORTED, StandardCharsets.UTF_8), ScenarioEnv.names());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the list; throws IllegalArgumentException naming the line on any error. */
    static Map<String, Set<Mode>> parse(List<String> lines, List<String> known) {
        Map<String, Set<Mode>> out = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        int no = 0;
        for (String raw : lines) {
            no++;
            String line = raw.replaceAll("#.*", "").trim();
            if (line.isEmpty()) continue;
            String[] w = line.split("\\s+");
            String name = w[0];
            if (!known.contains(name)) {
                errors.add("line " + no + ": no scenario named '" + name + "'");
                continue;
            }
            if (out.containsKey(name)) {
                errors.add("line " + no + ": '" + name + "' listed twice");
                continue;
            }
            if (w.length == 1) {
                errors.add("line " + no + ": '" + name + "' lists no mode (plain, leave-running, twice, all)");
                continue;
            }
            Set<Mode> modes = EnumSet.noneOf(Mode.class);
            for (int i = 1; i < w.length; i++) {
                if (w[i].equals("all")) {
                    modes.addAll(EnumSet.allOf(Mode.class));
                    continue;
                }
                try {
                    modes.add(Mode.of(w[i]));
                } catch (IllegalArgumentException e) {
                    errors.add("line " + no + ": " + e.getMessage());
                }
            }
            out.put(name, modes);
        }
        if (!errors.isEmpty()) throw new IllegalArgumentException("test/scenarios/SUPPORTED: " + String.join("; ", errors));
        return out;
    }
}
