package org.jcriu.criu.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.criu.util.Log;

/**
 * Unlinked files (ghost-file images) back at their old path just long
 * enough for the tasks to open or map them, then unlinked again.
 */
final class Ghosts implements AutoCloseable {
    private final RestorePlan plan;
    private final Log log = Log.get();

    Ghosts(RestorePlan plan) {
        this.plan = plan;
    }

    private final List<Path> ghostsMade = new ArrayList<>();


    /** Unlinked files come back at their old path just long enough for the tasks to open them. */
    void create() throws RestoreException {
        for (RestorePlan.Ghost g : plan.ghosts.values()) {
            Path p = Path.of(g.path());
            if (ghostsMade.contains(p)) continue; // one unlinked file behind several ids (an fd and a mapping)
            if (Files.exists(p)) throw new RestoreException("cannot re-create unlinked file " + p + ": the path exists (ghost-file image)");
            try {
                Files.write(p, g.content());
                ghostsMade.add(p);
                Files.setPosixFilePermissions(p, perms(g.mode()));
            } catch (IOException e) {
                throw new RestoreException("cannot re-create unlinked file " + p + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        for (Path p : ghostsMade) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.log(Log.WARN, "cannot unlink " + p + ": " + e.getMessage());
            }
        }
        ghostsMade.clear();
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> perms(int mode) {
        StringBuilder sb = new StringBuilder();
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) sb.append((mode & (1 << i)) != 0 ? rwx.charAt(2 - i % 3) : '-');
        return PosixFilePermissions.fromString(sb.toString());
    }

}
