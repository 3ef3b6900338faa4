package org.jcriu.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Prints best and median of each figure per tool, with the ratio to the last tool. */
final class Table {
    private record Metric(String name, String unit, boolean higherIsBetter, ToDoubleFunction<Sample> f) {}

    private static final List<Metric> METRICS = List.of(
            new Metric("dump wall", "ms", false, s -> s.dumpWallUs() / 1e3),
            new Metric("frozen", "ms", false, s -> s.frozenUs() / 1e3),
            new Metric("memdump", "ms", false, s -> s.memdumpUs() / 1e3),
            new Metric("memwrite", "ms", false, s -> s.memwriteUs() / 1e3),
            new Metric("dump", "GB/s", true, Sample::dumpGBps),
            new Metric("image size", "MiB", false, s -> s.imageBytes() / 1048576.0),
            new Metric("restore wall", "ms", false, s -> s.restoreWallUs() / 1e3),
            new Metric("restore", "GB/s", true, Sample::restoreGBps),
            new Metric("runs again", "ms", false, s -> s.runAgainUs() / 1e3));

    private Table() {
    }

    static void print(PrintStream out, String title, List<String> tools, List<List<Sample>> samples) {
        out.println();
        out.println("## " + title);
        StringBuilder head = new StringBuilder(String.format("%-18s", "figure"));
        for (String t : tools) head.append(String.format(" | %10s best %10s median", t, t));
        if (tools.size() == 2) head.append(" | ratio(best)");
        out.println(head);
        for (Metric m : METRICS) {
            StringBuilder row = new StringBuilder(String.format("%-18s", m.name() + " " + m.unit()));
            double[] bests = new double[tools.size()];
            for (int i = 0; i < tools.size(); i++) {
                double[] v = samples.get(i).stream().mapToDouble(m.f()).filter(x -> x >= 0).sorted().toArray();
                if (v.length == 0) {
                    row.append(String.format(" | %15s %17s", "-", "-"));
                    bests[i] = Double.NaN;
                    continue;
                }
                bests[i] = m.higherIsBetter() ? v[v.length - 1] : v[0];
                row.append(String.format(" | %15.2f %17.2f", bests[i], median(v)));
            }
            if (tools.size() == 2 && !Double.isNaN(bests[0]) && !Double.isNaN(bests[1]) && bests[1] != 0) {
                row.append(String.format(" | %.2f", bests[0] / bests[1]));
            }
            out.println(row);
        }
    }

    private static double median(double[] sorted) {
        double[] v = Arrays.copyOf(sorted, sorted.length);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
