package org.jcriu.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The test vectors written by upstream CRIU 4.2: ../shared/criu-images beside
 * the clone. Found by walking up from the working directory; their absence
 * fails the tests that need them.
 */
public final class Vectors {
    private Vectors() {
    }

    /** @return shared/criu-images */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            Path c = d.resolve("shared").resolve("criu-images");
            if (Files.isDirectory(c.resolve("threads-fds"))) {
                return c;
            }
        }
        throw new AssertionError("test vectors not found: no shared/criu-images/threads-fds above " + p
                + " (CI keeps shared/ beside the clone)");
    }

    /** @return the threads-fds dump directory */
    public static Path dump() {
        return root().resolve("threads-fds");
    }

    /** @return the directory of CRIU 4.2 crit's JSON for the dump */
    public static Path expected() {
        return root().resolve("threads-fds.expected");
    }

    /** @return every image of the dump except the raw pages-N.img, sorted */
    public static List<Path> images() throws IOException {
        try (Stream<Path> s = Files.list(dump())) {
            List<Path> l = s.filter(f -> !f.getFileName().toString().startsWith("pages-")).sorted().collect(Collectors.toList());
            if (l.size() < 20) {
                throw new AssertionError("expected at least 20 vector images, found " + l.size());
            }
            return l;
        }
    }

    /** @return the base name crit's expected files use: core-1.img -> core-1, stats-dump -> stats-dump */
    public static String base(Path img) {
        String n = img.getFileName().toString();
        return n.endsWith(".img") ? n.substring(0, n.length() - 4) : n;
    }
}
