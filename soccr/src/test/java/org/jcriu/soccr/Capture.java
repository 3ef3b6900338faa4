package org.jcriu.soccr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tcpdump on one interface of a test namespace, printing only segments with FIN or RST. */
final class Capture implements AutoCloseable {
    private final Process proc;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    Capture(String ns, String dev) throws IOException {
        proc = new ProcessBuilder("ip", "netns", "exec", ns, "tcpdump", "-i", dev, "-n", "-l", "-U",
                "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0").start();
        BufferedReader err = new BufferedReader(new InputStreamReader(proc.getErrorStream(), StandardCharsets.UTF_8));
        String l;
        while ((l = err.readLine()) != null && !l.contains("listening on")) {
            // wait until the capture is armed
        }
        if (l == null) {
            throw new IOException("tcpdump did not start");
        }
        reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                String s;
                while ((s = out.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(s);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }, "tcpdump-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** FIN/RST segments seen so far, capture still running. */
    List<String> snapshot() {
        Raw.sleep(100);
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** FIN/RST segments seen so far (stops the capture first). */
    List<String> stopAndGet() throws InterruptedException {
        Raw.sleep(100);
        proc.destroy();
        proc.waitFor(5, TimeUnit.SECONDS);
        reader.join(2000);
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    public void close() {
        proc.destroyForcibly();
    }
}
