package org.jcriu.images;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
