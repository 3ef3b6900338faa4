package org.jcriu.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jcriu.images.proto.DumpStatsEntry;

/**
 * The end-to-end benchmark: for each victim size and images directory, dump
 * and restore K times with jcriu (and with $CRIU when set, side by side in the
 * same run), and print best and median of each figure, with the machine's
 * memory limits measured in the same run.
 *
 * <pre>
 * bench [--sizes small,64M,1G] [--runs 5] [--dirs /dev/shm/jcriu-bench,/var/tmp/jcriu-bench] [--no-limits]
 * </pre>
 */
public final class EndToEndBench {
    private static final long SECOND = 1_000_000_000L;

    private EndToEndBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> sizes = List.of("small", "64M", "1G");
        List<String> dirs = List.of("/dev/shm/jcriu-bench", "/var/tmp/jcriu-bench");
        int runs = 5;
        boolean limits = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = List.of(args[++i].split(","));
                case "--dirs" -> dirs = List.of(args[++i].split(","));
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--no-limits" -> limits = false;
                default -> {
                    System.err.println("usage: bench [--sizes small,64M,1G] [--runs K] [--dirs D1,D2] [--no-limits]");
                    System.exit(1);
                }
            }
        }
        Path root = Path.of(System.getProperty("jcriu.root", ".")).toAbsolutePath().normalize();
        Path nativeDir = root.resolve("bench/target/native");
        List<Tool> tools = new ArrayList<>();
        tools.add(new Tool("jcriu", root.resolve("criu-orchestrator/bin/criu")));
        String other = System.getenv("CRIU");
        // CRIU_NAME labels that column (e.g. "copy" for a wrapper running jcriu's other page path)
        if (other != null && !other.isBlank()) {
            tools.add(new Tool(System.getenv().getOrDefault("CRIU_NAME", "criu"), Path.of(other)));
        }

        PrintStream out = System.out;
        out.printf("# jcriu end-to-end benchmark: %d runs each, %d cores, kernel %s%n", runs,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"));
        for (Tool t : tools) out.printf("startup %s: %.1f ms (criu --version)%n", t.name(), startupMs(t, root));
        for (String dir : dirs) {
            Path base = Path.of(dir);
            Files.createDirectories(base);
            for (String size : sizes) {
                long bytes = parseSize(size);
                if (limits && bytes >= (64L << 20)) {
                    Map<String, Double> lim = Limits.measure(nativeDir.resolve("limits"), bytes);
                    out.printf("%nlimits at %s: %s (GB/s)%n", size, lim);
                }
                // the tools alternate run by run: on a shared machine the load changes by the
                // minute, and an A/B taken one block after the other measures the load
                List<List<Sample>> all = new ArrayList<>();
                for (Tool t : tools) all.add(new ArrayList<>());
                for (int r = 0; r < runs; r++) {
                    for (int k = 0; k < tools.size(); k++) {
                        Tool t = tools.get(k);
                        all.get(k).add(once(t, nativeDir.resolve("touch"), bytes, size.equals("small"),
                                base.resolve(t.name() + "-" + size + "-" + r)));
                    }
                }
                Table.print(out, size + " on " + dir, tools.stream().map(Tool::name).toList(), all);
            }
        }
    }

    private static Sample once(Tool tool, Path touch, long bytes, boolean fds, Path images) throws Exception {
        deleteTree(images);
        Files.createDirectories(images);
        Path heartbeat = images.resolveSibling(images.getFileName() + ".beat");
        Victim v = Victim.start(touch, bytes, heartbeat, fds);
        try {
            long dumpNs = tool.run(images, "dump.log", "dump", "-t", Integer.toString(v.pid()), "-D", images.toString());
            v.awaitGone(30 * SECOND);
            long seen = v.counter();
            DumpStatsEntry ds = Stats.dump(images);
            long imageBytes = imageBytes(images);
            long t0 = System.nanoTime();
            long restoreNs = tool.run(images, "restore.log", "restore", "-d", "-D", images.toString(),
                    "--pidfile", images.resolve("restored.pid").toString());
            long runAgainNs = v.awaitBeatAfter(seen, 30 * SECOND) - t0;
            return new Sample(dumpNs / 1000,
                    ds == null ? -1 : ds.getFrozenTime(),
                    ds == null ? -1 : ds.getMemdumpTime(),
                    ds == null ? -1 : ds.getMemwriteTime(),
                    ds == null ? -1 : ds.getPagesWritten(),
                    imageBytes, restoreNs / 1000, runAgainNs / 1000);
        } finally {
            v.kill();
            deleteTree(images);
            Files.deleteIfExists(heartbeat);
        }
    }

    private static double startupMs(Tool t, Path root) throws IOException, InterruptedException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            new ProcessBuilder(t.binary().toString(), "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    static long parseSize(String s) {
        if (s.equals("small")) return 0;
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long n = Long.parseLong(Character.isDigit(unit) ? s : s.substring(0, s.length() - 1));
        return switch (unit) {
            case 'K' -> n << 10;
            case 'M' -> n << 20;
            case 'G' -> n << 30;
            default -> n;
        };
    }

    private static long imageBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".img")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
