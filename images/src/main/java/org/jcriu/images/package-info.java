/**
 * CRIU image files: the magic table, readers and writers of framed protobuf
 * entries with raw payloads, and pagemap / pages-N.img access that keeps page
 * data out of the Java heap.
 *
 * <p>Call sequence, dump side: {@link org.jcriu.images.ImageDir#create} (or
 * {@link org.jcriu.images.ImageWriter#create}) writes the magics;
 * {@code write(entry[, payload])} once per entry; {@code close()}. Page data:
 * {@link org.jcriu.images.PagemapWriter} ({@code addPresent},
 * {@code addWritten} after splicing into {@code pagesChannel()},
 * {@code addParent}).
 *
 * <p>Restore side: {@link org.jcriu.images.ImageDir#open} (or
 * {@link org.jcriu.images.ImageReader#open}) checks the magics;
 * {@code next()} until null; {@code readPayload} / {@code transferPayload}
 * after entries that carry one. {@link org.jcriu.images.PagemapReader} gives
 * the runs and positional access to their data.
 *
 * <p>Preconditions: none beyond a readable/writable directory. Errors:
 * {@link org.jcriu.images.ImageException} only, one line naming the file, the
 * offset and the problem. Nothing in this package prints or exits. Readers
 * and writers are not thread-safe; use one per thread. See
 * Documentation/images.md.
 */
package org.jcriu.images;
