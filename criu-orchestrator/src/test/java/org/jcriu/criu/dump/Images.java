package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jcriu.images.ImageType;

/** Test helpers: read our images back and run Debian's crit over a directory. */
final class Images {
    private Images() {}

    /** The framed entries of an image (after its magics). */
    static List<byte[]> entries(Path img) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(img)).order(ByteOrder.nativeOrder());
        int m = b.getInt();
        if (m != ImageType.INVENTORY.magic()) b.getInt();
        List<byte[]> out = new ArrayList<>();
        while (b.remaining() >= 4) {
            int n = b.getInt();
            byte[] e = new byte[n];
            b.get(e);
            out.add(e);
            if (!b.hasRemaining()) break;
            // payload-carrying images are read by their own tests
            if (img.getFileName().toString().startsWith("pipes-data") || img.getFileName().toString().startsWith("ghost")
                    || img.getFileName().toString().startsWith("sk-queues")) break;
        }
        return out;
    }

    /** Runs /usr/bin/crit decode on every image of the directory (pages are raw), failing on the first error. */
    static void critDecodesAll(Path dir) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/crit")), "Debian's crit is needed for this check: run scripts/install-deps.sh");
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith("pages-")) continue;
                Process pr = new ProcessBuilder("/usr/bin/crit", "decode", "-i", p.toString(), "-o", "/dev/null")
                        .redirectErrorStream(true).start();
                String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, pr.waitFor(), "crit decode " + n + ": " + out);
            }
        }
    }

    /** crit x DIR what (ps, fds, mems). */
    static String critX(Path dir, String what) throws Exception {
        Process pr = new ProcessBuilder("/usr/bin/crit", "x", dir.toString(), what).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, pr.waitFor(), "crit x " + what + ": " + out);
        return out;
    }
}
