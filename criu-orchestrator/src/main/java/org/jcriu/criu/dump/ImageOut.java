package org.jcriu.criu.dump;

import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One image file being written: the magics, then entries framed as a native-endian
 * u32 length and a protobuf message, optionally followed by a raw payload.
 * Writes go through a FileChannel; raw payloads can come from a direct buffer or
 * be spliced in by the caller through {@link #channel()}.
 */
final class ImageOut implements AutoCloseable {
    private final FileChannel ch;
    private final ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
    final Path path;

    private ImageOut(Path path, FileChannel ch) {
        this.path = path;
        this.ch = ch;
    }

    /** Creates DIR/NAME with IMG_COMMON (or IMG_SERVICE when service) then magic; magic 0 writes no magic (raw files). */
    static ImageOut create(Path dir, String name, int magic, boolean service) throws IOException {
        Path p = dir.resolve(name);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        ImageOut out = new ImageOut(p, ch);
        if (magic != 0) {
            if (magic == Magic.INVENTORY) {
                out.u32(magic);
            } else {
                out.u32(service ? Magic.IMG_SERVICE : Magic.IMG_COMMON);
                out.u32(magic);
            }
        }
        return out;
    }

    static ImageOut create(Path dir, String name, int magic) throws IOException {
        return create(dir, name, magic, false);
    }

    private void u32(int v) throws IOException {
        head.clear();
        head.putInt(v).flip();
        while (head.hasRemaining()) ch.write(head);
    }

    /** Writes one framed entry. */
    ImageOut entry(MessageLite m) throws IOException {
        byte[] b = m.toByteArray();
        u32(b.length);
        raw(ByteBuffer.wrap(b));
        return this;
    }

    /** Writes raw bytes after an entry (payloads such as pipe data). */
    ImageOut raw(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
        return this;
    }

    /** The channel, for splice/transferFrom of payloads. */
    FileChannel channel() {
        return ch;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
