package org.jcriu.images;

import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image directory ({@code criu dump -D DIR}): opens and creates images
 * by kind and id.
 *
 * <pre>{@code
 * ImageDir dir = new ImageDir(Path.of("/tmp/dump"));
 * try (ImageWriter w = dir.create(ImageType.CORE, pid)) { w.write(core); }
 * try (ImageReader r = dir.open(ImageType.CORE, pid)) { CoreEntry c = (CoreEntry) r.next(); }
 * }</pre>
 */
public final class ImageDir {
    private final Path dir;

    /** @param dir the directory; not created */
    public ImageDir(Path dir) {
        this.dir = dir;
    }

    /** @return the directory */
    public Path path() {
        return dir;
    }

    /** @return the path of the image of this kind and id (id ignored by kinds without one) */
    public Path path(ImageType type, long id) {
        return dir.resolve(type.fileName(id));
    }

    /** @return true if that image exists */
    public boolean exists(ImageType type, long id) {
        return Files.exists(path(type, id));
    }

    /** Opens the image of this kind and id, checking its magic. */
    public ImageReader open(ImageType type, long id) throws ImageException {
        return ImageReader.open(path(type, id), type);
    }

    /** Opens a kind that has no id (inventory, pstree, files, ...). */
    public ImageReader open(ImageType type) throws ImageException {
        return open(type, 0);
    }

    /** Creates (truncating) the image of this kind and id. */
    public ImageWriter create(ImageType type, long id) throws ImageException {
        return ImageWriter.create(path(type, id), type);
    }

    /** Creates a kind that has no id. */
    public ImageWriter create(ImageType type) throws ImageException {
        return create(type, 0);
    }

    /** Creates pagemap-ID.img (or pagemap-shmem-ID.img) and pages-PAGESID.img. */
    public PagemapWriter createPagemap(ImageType kind, long id, int pagesId) throws ImageException {
        return PagemapWriter.create(dir, kind, id, pagesId);
    }

    /** Opens a pagemap and its pages file. */
    public PagemapReader openPagemap(ImageType kind, long id) throws ImageException {
        return PagemapReader.open(dir, kind, id);
    }

    /** Creates stats-NAME (e.g. "dump", "restore"). */
    public ImageWriter createStats(String name) throws ImageException {
        return ImageWriter.create(dir.resolve(ImageType.STATS.fileName(name)), ImageType.STATS);
    }

    /**
     * Reads an image that holds exactly one entry (core, mm, ids, fs,
     * inventory, ...).
     *
     * @throws ImageException if the image is missing, bad, empty or holds more than one entry
     */
    public Message readSingle(ImageType type, long id) throws ImageException {
        try (ImageReader r = open(type, id)) {
            Message m = r.next();
            if (m == null) {
                throw new ImageException(r.name(), r.position(), "no entry, one expected");
            }
            if (r.hasNext()) {
                throw new ImageException(r.name(), r.position(), "more than the one entry expected");
            }
            return m;
        }
    }

    /**
     * Reads every entry of an image whose entries carry no payload (payloads,
     * if any, are skipped).
     */
    public List<Message> readAll(ImageType type, long id) throws ImageException {
        List<Message> l = new ArrayList<>();
        try (ImageReader r = open(type, id)) {
            for (Message m; (m = r.next()) != null; ) {
                l.add(m);
            }
        }
        return l;
    }

    /** Creates an image holding the given entries (no payloads). */
    public void writeAll(ImageType type, long id, List<? extends MessageLite> entries) throws ImageException {
        try (ImageWriter w = create(type, id)) {
            for (MessageLite m : entries) {
                w.write(m);
            }
        }
    }

    /** Creates an image holding one entry. */
    public void writeSingle(ImageType type, long id, MessageLite entry) throws ImageException {
        writeAll(type, id, List.of(entry));
    }
}
