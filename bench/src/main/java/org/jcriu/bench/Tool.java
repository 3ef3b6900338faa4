package org.jcriu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A CRIU-compatible binary under test: jcriu's launcher or upstream criu. */
record Tool(String name, Path binary) {

    /** Runs {@code criu ARGS...}; returns the wall time in nanoseconds, or throws with the log's tail. */
    long run(Path logDir, String logName, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        cmd.add("-o");
        cmd.add(logDir.resolve(logName).toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(logDir.resolve(logName + ".out").toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(name + " " + args[0] + " timed out");
        }
        long wall = System.nanoTime() - t0;
        if (p.exitValue() != 0) {
            throw new IOException(name + " " + String.join(" ", args) + " exited " + p.exitValue() + ": "
                    + tail(logDir.resolve(logName + ".out")) + " | " + tail(logDir.resolve(logName)));
        }
        return wall;
    }

    private static String tail(Path f) {
        try {
            List<String> lines = Files.readAllLines(f);
            return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no " + f.getFileName() + ")";
        }
    }
}
