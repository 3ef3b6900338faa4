package org.jcriu.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs the {@code limits} program: the memory bandwidths that bound dump and restore. */
final class Limits {
    private Limits() {
    }

    /** name -> GB/s, e.g. memcpy-fresh-4k. */
    static Map<String, Double> measure(Path limitsBin, long bytes) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(limitsBin.toString(), Long.toString(bytes))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Double> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2) out.put(f[0], Double.parseDouble(f[1]));
            }
        }
        if (p.waitFor() != 0) throw new IOException("limits exited " + p.exitValue());
        return out;
    }
}
