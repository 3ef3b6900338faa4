package org.jcriu.criu.restore;

import com.google.protobuf.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.images.ImageDir;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;

/**
 * The images directory of a restore, read through the images module's
 * {@link ImageReader} into its generated message classes. What this adds is
 * the restore's error form: every {@link ImageException} becomes one line
 * naming the file and saying whether it is missing, truncated or corrupt.
 */
final class Images {
    /** One entry and, for images that have them, the raw payload after it. */
    record Entry<T extends Message>(T msg, byte[] payload) {}

    final Path dir;
    private final ImageDir images;

    Images(Path dir) {
        this.dir = dir;
        this.images = new ImageDir(dir);
    }

    boolean exists(ImageType type, long id) {
        return images.exists(type, id);
    }

    boolean exists(ImageType type) {
        return images.exists(type, 0);
    }

    /** Every entry of an image without payloads (for pagemaps, the head first). */
    List<Message> all(ImageType type, long id) throws RestoreException {
        try {
            return images.readAll(type, id);
        } catch (ImageException e) {
            throw failure(e);
        }
    }

    /** Every entry, each of the image's one message type. */
    @SuppressWarnings("unchecked")
    <T extends Message> List<T> all(ImageType type, long id, Class<T> kind) throws RestoreException {
        List<T> out = new ArrayList<>();
        for (Message m : all(type, id)) out.add((T) m);
        return out;
    }

    /** Exactly one entry, as core-*, mm-*, fs-*, ids-* and inventory hold. */
    @SuppressWarnings("unchecked")
    <T extends Message> T one(ImageType type, long id, Class<T> kind) throws RestoreException {
        try {
            return (T) images.readSingle(type, id);
        } catch (ImageException e) {
            throw failure(e);
        }
    }

    /** Every entry with its raw payload (pipe and FIFO data, socket queues, a ghost file's content). */
    @SuppressWarnings("unchecked")
    <T extends Message> List<Entry<T>> withPayloads(ImageType type, long id, Class<T> kind) throws RestoreException {
        List<Entry<T>> out = new ArrayList<>();
        try (ImageReader r = images.open(type, id)) {
            for (Message m; (m = r.next()) != null; ) {
                out.add(new Entry<>((T) m, r.readPayload(r.payloadRemaining())));
            }
        } catch (ImageException e) {
            throw failure(e);
        }
        return out;
    }

    /** The one-line restore error for a bad image. */
    RestoreException failure(ImageException e) {
        String problem = e.problem();
        String at = e.offset() >= 0 ? "offset " + e.offset() + ": " : "";
        String kind;
        if (problem.equals("no such file")) {
            return new RestoreException("image " + e.file() + " is missing", 2, e);
        } else if (problem.contains("truncated") || problem.contains("past the end") || problem.contains("end of file")
                || problem.contains("empty file")) {
            kind = " is truncated (";
        } else {
            kind = " is corrupt (";
        }
        return new RestoreException("image " + e.file() + kind + at + problem + ")", 0, e);
    }
}
