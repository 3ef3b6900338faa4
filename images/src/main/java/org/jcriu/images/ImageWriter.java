package org.jcriu.images;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one CRIU image: the magics, then entries framed as a u32 length and
 * a protobuf message, each optionally followed by a raw payload.
 *
 * <pre>{@code
 * try (ImageWriter w = ImageWriter.create(dir.resolve("pipes-data.img"), ImageType.PIPES_DATA)) {
 *     w.write(PipeDataEntry.newBuilder().setPipeId(id).setBytes(n).build(), data);
 * }
 * }</pre>
 *
 * <p>Entries are buffered; payloads given as a direct buffer or a file range
 * go straight to the file channel. Nothing is durable before {@link #close()}
 * (or {@link #flush()}). Not thread-safe.
 */
public final class ImageWriter implements Closeable {
    private static final int BUFFER = 64 * 1024;

    private final WritableByteChannel out;
    private final String name;
    private final ImageType type;
    private final boolean ownChannel;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private boolean closed;

    private ImageWriter(WritableByteChannel out, String name, ImageType type, boolean ownChannel) throws ImageException {
        this.out = out;
        this.name = name;
        this.type = type;
        this.ownChannel = ownChannel;
        if (type.headMagic() != 0) {
            buf.putInt(type.headMagic());
        }
        if (!type.isRaw()) {
            buf.putInt(type.magic());
        }
    }

    /**
     * Creates (or truncates) {@code file} and writes the magics of {@code type}.
     *
     * @throws ImageException if the file cannot be created
     */
    public static ImageWriter create(Path file, ImageType type) throws ImageException {
        FileChannel fc;
        try {
            fc = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ImageException(file.toString(), -1, "cannot create: " + e, e);
        }
        return new ImageWriter(fc, file.toString(), type, true);
    }

    /**
     * Writes an image to a channel the caller owns (e.g. stdout); close()
     * flushes but does not close it.
     */
    public static ImageWriter to(WritableByteChannel out, String name, ImageType type) throws ImageException {
        return new ImageWriter(out, name, type, false);
    }

    /** @return the kind of image being written */
    public ImageType type() {
        return type;
    }

    /** @return bytes written so far, buffered ones included */
    public long position() {
        return written + buf.position();
    }

    /** Writes one entry: u32 length and the message. */
    public void write(MessageLite entry) throws ImageException {
        int len = entry.getSerializedSize();
        if (buf.remaining() < 4 + len) {
            flush();
        }
        if (buf.remaining() >= 4 + len) {
            buf.putInt(len);
            try {
                CodedOutputStream cos = CodedOutputStream.newInstance(buf.array(), buf.position(), len);
                entry.writeTo(cos);
                cos.checkNoSpaceLeft();
            } catch (IOException | RuntimeException e) {
                throw new ImageException(name, position(), "cannot serialize entry: " + e, e);
            }
            buf.position(buf.position() + len);
        } else {
            buf.putInt(len);
            flush();
            writeFully(ByteBuffer.wrap(entry.toByteArray()));
        }
    }

    /** Writes one entry followed by the remaining bytes of {@code payload} (heap or direct; consumed). */
    public void write(MessageLite entry, ByteBuffer payload) throws ImageException {
        write(entry);
        writeRaw(payload);
    }

    /** Writes one entry followed by {@code payload}. */
    public void write(MessageLite entry, byte[] payload) throws ImageException {
        write(entry);
        writeRaw(ByteBuffer.wrap(payload));
    }

    /**
     * Writes one entry followed by {@code len} bytes of {@code src} from
     * {@code srcPos}, copied in the kernel (FileChannel.transferTo).
     */
    public void write(MessageLite entry, FileChannel src, long srcPos, long len) throws ImageException {
        write(entry);
        flush();
        long done = 0;
        try {
            while (done < len) {
                long n = src.transferTo(srcPos + done, len - done, out);
                if (n <= 0) {
                    throw new ImageException(name, position(), "source ended after " + done + " of " + len + " payload bytes");
                }
                done += n;
                written += n;
            }
        } catch (IOException e) {
            if (e instanceof ImageException) {
                throw (ImageException) e;
            }
            throw new ImageException(name, position(), "payload transfer failed: " + e, e);
        }
    }

    /** Writes raw bytes (a payload, or the content of a raw image); consumes {@code data}. */
    public void writeRaw(ByteBuffer data) throws ImageException {
        if (data.remaining() <= buf.remaining() && !data.isDirect()) {
            buf.put(data);
            return;
        }
        flush();
        writeFully(data);
    }

    /** Writes buffered bytes to the channel. */
    public void flush() throws ImageException {
        buf.flip();
        writeFully(buf);
        buf.clear();
    }

    private void writeFully(ByteBuffer b) throws ImageException {
        try {
            while (b.hasRemaining()) {
                written += out.write(b);
            }
        } catch (IOException e) {
            throw new ImageException(name, written, "write failed: " + e, e);
        }
    }

    /** Flushes and closes the file (not a caller's channel); safe to call twice. */
    @Override
    public void close() throws ImageException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } finally {
            if (ownChannel) {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new ImageException(name, written, "close failed: " + e, e);
                }
            }
        }
    }
}
