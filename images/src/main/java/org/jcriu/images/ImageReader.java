package org.jcriu.images;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jcriu.images.proto.BpfmapDataEntry;
import org.jcriu.images.proto.GhostChunkEntry;
import org.jcriu.images.proto.GhostFileEntry;
import org.jcriu.images.proto.IpcMsg;
import org.jcriu.images.proto.IpcMsgEntry;
import org.jcriu.images.proto.IpcSemEntry;
import org.jcriu.images.proto.IpcShmEntry;
import org.jcriu.images.proto.PagemapHead;
import org.jcriu.images.proto.PipeDataEntry;
import org.jcriu.images.proto.SkPacketEntry;
import org.jcriu.images.proto.TcpStreamEntry;

/**
 * Reads one CRIU image: checks its magics, then walks its entries (u32
 * length + protobuf message) and the raw payloads that follow some of them.
 *
 * <pre>{@code
 * try (ImageReader r = ImageReader.open(dir.resolve("core-42.img"), ImageType.CORE)) {
 *     CoreEntry core = (CoreEntry) r.next();
 * }
 * }</pre>
 *
 * <p>Every problem with the input is an {@link ImageException} naming the
 * file, the offset and the problem. Lengths are checked against the file size
 * before anything is allocated. A payload the caller does not read is skipped
 * by the next call to {@link #next()}. Not thread-safe.
 */
public final class ImageReader implements Closeable {
    private static final int WINDOW = 64 * 1024;

    private final SeekableByteChannel ch;
    private final String name;
    private final long size;
    private final ImageType type;
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
    private long windowStart;
    private long pos;
    private long entryOffset = -1;
    private int index;
    private boolean ghostChunks;
    /** End of the payload of the last entry; -1 if none is pending. */
    private long payloadEnd = -1;
    private Message last;

    private ImageReader(SeekableByteChannel ch, String name, ImageType expected) throws ImageException {
        this.ch = ch;
        this.name = name;
        try {
            this.size = ch.size();
        } catch (IOException e) {
            throw new ImageException(name, -1, "cannot stat: " + e.getMessage(), e);
        }
        window.limit(0);
        if (expected != null && expected.isRaw()) {
            this.type = expected;
            return;
        }
        this.type = readMagics(expected);
    }

    /**
     * Opens an image and finds its kind from its magic.
     *
     * @throws ImageException if the file is missing, unreadable, or its magic unknown
     */
    public static ImageReader open(Path file) throws ImageException {
        return open(file, null);
    }

    /**
     * Opens an image that must be of the given kind.
     *
     * @param expected the kind the file must have, or null to accept any known kind
     * @throws ImageException if the file is missing, unreadable, or of another kind
     */
    public static ImageReader open(Path file, ImageType expected) throws ImageException {
        FileChannel fc;
        try {
            fc = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ImageException(file.toString(), -1, "no such file");
        } catch (AccessDeniedException e) {
            throw new ImageException(file.toString(), -1, "permission denied");
        } catch (IOException e) {
            throw new ImageException(file.toString(), -1, "cannot open: " + e.getMessage(), e);
        }
        try {
            return new ImageReader(fc, file.toString(), expected);
        } catch (ImageException e) {
            closeQuietly(fc);
            throw e;
        }
    }

    /**
     * Reads an image held in memory (crit reading stdin, tests).
     *
     * @param data the whole image; not copied, must not change while read
     * @param name the name used in error messages
     */
    public static ImageReader of(ByteBuffer data, String name) throws ImageException {
        return new ImageReader(new MemoryChannel(data), name, null);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to report
        }
    }

    private ImageType readMagics(ImageType expected) throws ImageException {
        if (size < 4) {
            throw new ImageException(name, 0, size == 0 ? "empty file, no magic" : "truncated magic");
        }
        int first = u32(0);
        pos = 4;
        int magic = first;
        if (first == ImageMagic.IMG_COMMON || first == ImageMagic.IMG_SERVICE) {
            if (size < 8) {
                throw new ImageException(name, 4, "truncated magic");
            }
            magic = u32(4);
            pos = 8;
        }
        ImageType t = ImageType.byMagic(magic);
        if (t == null) {
            throw new ImageException(name, pos - 4, "unknown magic " + ImageMagic.hex(magic)
                    + (pos == 4 ? " (raw data such as pages-N.img has no magic)" : ""));
        }
        if (expected != null) {
            if (expected.magic() != magic) {
                throw new ImageException(name, pos - 4, "wrong magic " + ImageMagic.hex(magic) + " (" + t.critName()
                        + "), expected " + ImageMagic.hex(expected.magic()) + " (" + expected.critName() + ")");
            }
            t = expected;
        }
        int wantHead = t.headMagic();
        if (wantHead == 0 && pos != 4 || wantHead != 0 && first != wantHead) {
            throw new ImageException(name, 0, "wrong head magic " + ImageMagic.hex(first) + " for " + t.critName());
        }
        return t;
    }

    /** @return the kind of this image */
    public ImageType type() {
        return type;
    }

    /** @return the name used in error messages (the path) */
    public String name() {
        return name;
    }

    /** @return the file size in bytes */
    public long size() {
        return size;
    }

    /** @return the current read offset */
    public long position() {
        return pos;
    }

    /** @return the offset of the length prefix of the last entry read, or -1 */
    public long entryOffset() {
        return entryOffset;
    }

    /** @return how many entries have been read */
    public int entriesRead() {
        return index;
    }

    /**
     * @return true if another entry follows (the pending payload, if any, is
     *         skipped first)
     */
    public boolean hasNext() throws ImageException {
        skipPendingPayload();
        return pos < size;
    }

    /**
     * Reads the next entry as the message this image's kind holds at this
     * place: {@link PagemapHead} first in pagemaps, {@link GhostChunkEntry}
     * after a chunked {@link GhostFileEntry}, else {@link ImageType#entryPrototype()}.
     *
     * @return the entry, or null at end of file
     */
    public Message next() throws ImageException {
        if (type.isRaw()) {
            throw new ImageException(name, pos, "raw image " + type + " has no entries");
        }
        Message proto = prototypeAt(index);
        Message m = next(proto.getParserForType());
        return m;
    }

    private Message prototypeAt(int i) {
        if (i == 0 && (type == ImageType.PAGEMAP || type == ImageType.SHMEM_PAGEMAP)) {
            return PagemapHead.getDefaultInstance();
        }
        if (i > 0 && type == ImageType.GHOST_FILE) {
            return GhostChunkEntry.getDefaultInstance();
        }
        return type.entryPrototype();
    }

    /**
     * Reads the next entry with the given parser.
     *
     * @return the entry, or null at end of file
     */
    public <T extends Message> T next(Parser<T> parser) throws ImageException {
        skipPendingPayload();
        if (pos >= size) {
            return null;
        }
        if (type == ImageType.GHOST_FILE && index > 0 && !ghostChunks) {
            throw new ImageException(name, pos, "ghost file content is not chunked, no entry follows");
        }
        entryOffset = pos;
        int len = readLength();
        T m;
        try {
            if (len <= WINDOW) {
                fill(pos, len);
                int off = (int) (pos - windowStart);
                m = parser.parseFrom(window.array(), off, len);
            } else {
                byte[] b = new byte[len];
                readFully(ByteBuffer.wrap(b), pos);
                m = parser.parseFrom(b);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new ImageException(name, entryOffset, "garbage protobuf in entry " + index + " (" + len + " bytes): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ImageException(name, entryOffset, "garbage protobuf in entry " + index + ": " + e, e);
        }
        pos += len;
        index++;
        last = m;
        startPayload(m);
        return m;
    }

    /**
     * Reads the next entry's message bytes without parsing them.
     *
     * @return the message bytes (a fresh heap buffer), or null at end of file
     */
    public ByteBuffer nextRaw() throws ImageException {
        skipPendingPayload();
        if (pos >= size) {
            return null;
        }
        entryOffset = pos;
        int len = readLength();
        byte[] b = new byte[len];
        readFully(ByteBuffer.wrap(b), pos);
        pos += len;
        index++;
        last = null;
        return ByteBuffer.wrap(b);
    }

    private int readLength() throws ImageException {
        if (size - pos < 4) {
            throw new ImageException(name, pos, "truncated entry: " + (size - pos) + " bytes where a 4-byte length belongs");
        }
        long len = u32(pos) & 0xffffffffL;
        pos += 4;
        if (len > size - pos) {
            throw new ImageException(name, pos - 4, "entry length " + len + " runs past the end of the file ("
                    + (size - pos) + " bytes left)");
        }
        if (len > Integer.MAX_VALUE - 16) {
            throw new ImageException(name, pos - 4, "absurd entry length " + len);
        }
        return (int) len;
    }

    private void startPayload(Message m) throws ImageException {
        long n;
        switch (type.payload()) {
            case PIPE_DATA: n = m instanceof PipeDataEntry ? ((PipeDataEntry) m).getBytes() & 0xffffffffL : 0; break;
            case SK_QUEUE: n = m instanceof SkPacketEntry ? ((SkPacketEntry) m).getLength() & 0xffffffffL : 0; break;
            case TCP_STREAM:
                n = m instanceof TcpStreamEntry
                        ? (((TcpStreamEntry) m).getInqLen() & 0xffffffffL) + (((TcpStreamEntry) m).getOutqLen() & 0xffffffffL) : 0;
                break;
            case BPFMAP_DATA:
                n = m instanceof BpfmapDataEntry
                        ? (((BpfmapDataEntry) m).getKeysBytes() & 0xffffffffL) + (((BpfmapDataEntry) m).getValuesBytes() & 0xffffffffL) : 0;
                break;
            case IPC_SHM: n = m instanceof IpcShmEntry ? roundUp(((IpcShmEntry) m).getSize(), 4) : 0; break;
            case IPC_SEM: n = m instanceof IpcSemEntry ? roundUp(2L * (((IpcSemEntry) m).getNsems() & 0xffffffffL), 8) : 0; break;
            case GHOST:
                if (m instanceof GhostFileEntry) {
                    ghostChunks = ((GhostFileEntry) m).getChunks();
                    n = ghostChunks ? 0 : size - pos;
                } else {
                    n = m instanceof GhostChunkEntry ? ((GhostChunkEntry) m).getLen() : 0;
                }
                break;
            case IPC_MSG: n = m instanceof IpcMsgEntry ? measureMessages(((IpcMsgEntry) m).getQnum() & 0xffffffffL) : 0; break;
            default: n = 0;
        }
        if (n < 0 || n > size - pos) {
            throw new ImageException(name, pos, "payload of " + Long.toUnsignedString(n) + " bytes runs past the end of the file ("
                    + (size - pos) + " bytes left)");
        }
        payloadEnd = n > 0 ? pos + n : -1;
    }

    private static long roundUp(long x, long to) {
        return x < 0 ? -1 : (x + to - 1) / to * to;
    }

    private long measureMessages(long qnum) throws ImageException {
        long p = pos;
        for (long i = 0; i < qnum; i++) {
            if (size - p < 4) {
                throw new ImageException(name, p, "truncated message queue entry");
            }
            long len = u32(p) & 0xffffffffL;
            p += 4;
            if (len > size - p) {
                throw new ImageException(name, p - 4, "message length " + len + " runs past the end of the file");
            }
            byte[] b = new byte[(int) len];
            readFully(ByteBuffer.wrap(b), p);
            IpcMsg msg;
            try {
                msg = IpcMsg.parseFrom(b);
            } catch (InvalidProtocolBufferException e) {
                throw new ImageException(name, p - 4, "garbage protobuf in queued message: " + e.getMessage(), e);
            }
            p += len + roundUp(msg.getMsize() & 0xffffffffL, 8);
            if (p > size) {
                throw new ImageException(name, p, "queued message runs past the end of the file");
            }
        }
        return p - pos;
    }

    /** @return the message most recently returned by next(), or null */
    public Message last() {
        return last;
    }

    /**
     * @return bytes of raw payload still unread after the last entry (0 if
     *         none); for padded kinds this includes the padding
     */
    public long payloadRemaining() {
        return payloadEnd < 0 ? 0 : payloadEnd - pos;
    }

    private void skipPendingPayload() {
        if (payloadEnd >= 0) {
            pos = payloadEnd;
            payloadEnd = -1;
        }
    }

    private void checkPayload(long len) throws ImageException {
        if (len < 0 || len > payloadRemaining()) {
            throw new ImageException(name, pos, "payload read of " + len + " bytes, only " + payloadRemaining() + " left");
        }
    }

    private void advancePayload(long len) {
        pos += len;
        if (payloadEnd >= 0 && pos >= payloadEnd) {
            payloadEnd = -1;
        }
    }

    /**
     * Reads {@code len} bytes of the last entry's payload into a new array.
     * For big payloads prefer {@link #readPayload(ByteBuffer)} or
     * {@link #transferPayload(long, WritableByteChannel)}.
     */
    public byte[] readPayload(long len) throws ImageException {
        checkPayload(len);
        byte[] b = new byte[(int) len];
        readFully(ByteBuffer.wrap(b), pos);
        advancePayload(len);
        return b;
    }

    /** Fills {@code dst} (heap or direct) from the last entry's payload. */
    public void readPayload(ByteBuffer dst) throws ImageException {
        int n = dst.remaining();
        checkPayload(n);
        readFully(dst, pos);
        advancePayload(n);
    }

    /**
     * Copies {@code len} payload bytes to {@code out} without going through
     * the Java heap when this image is a file (FileChannel.transferTo).
     *
     * @return the number of bytes copied ({@code len})
     */
    public long transferPayload(long len, WritableByteChannel out) throws ImageException {
        checkPayload(len);
        long done = 0;
        try {
            if (ch instanceof FileChannel) {
                FileChannel fc = (FileChannel) ch;
                while (done < len) {
                    long n = fc.transferTo(pos + done, len - done, out);
                    if (n <= 0) {
                        throw new ImageException(name, pos + done, "short transfer of payload");
                    }
                    done += n;
                }
            } else {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(len, WINDOW));
                while (done < len) {
                    b.clear().limit((int) Math.min(b.capacity(), len - done));
                    readFully(b, pos + done);
                    b.flip();
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                    done += b.limit();
                }
            }
        } catch (ImageException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageException(name, pos + done, "transfer of payload failed: " + e.getMessage(), e);
        }
        advancePayload(len);
        return len;
    }

    /** Skips {@code len} bytes of the last entry's payload. */
    public void skipPayload(long len) throws ImageException {
        checkPayload(len);
        advancePayload(len);
    }

    /**
     * Reads the next framed message inside the current payload (the
     * {@link IpcMsg} records of a message queue).
     */
    public <T extends Message> T nextInPayload(Parser<T> parser) throws ImageException {
        if (payloadRemaining() < 4) {
            throw new ImageException(name, pos, "no framed message left in payload");
        }
        long start = pos;
        long len = u32(pos) & 0xffffffffL;
        if (len + 4 > payloadRemaining()) {
            throw new ImageException(name, pos, "framed message of " + len + " bytes runs past its payload");
        }
        advancePayload(4);
        byte[] b = readPayload(len);
        try {
            return parser.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            throw new ImageException(name, start, "garbage protobuf: " + e.getMessage(), e);
        }
    }

    /** Reads raw bytes at an absolute offset (for raw images). */
    public void readAt(ByteBuffer dst, long offset) throws ImageException {
        if (offset < 0 || dst.remaining() > size - offset) {
            throw new ImageException(name, offset, "read of " + dst.remaining() + " bytes past the end of the file");
        }
        readFully(dst, offset);
    }

    private int u32(long at) throws ImageException {
        fill(at, 4);
        return window.getInt((int) (at - windowStart));
    }

    /** Makes [at, at+len) available in the window (len <= WINDOW). */
    private void fill(long at, int len) throws ImageException {
        if (at >= windowStart && at + len <= windowStart + window.limit()) {
            return;
        }
        window.clear();
        window.limit((int) Math.min(WINDOW, size - at));
        readFully(window, at);
        window.flip();
        windowStart = at;
        if (window.limit() < len) {
            throw new ImageException(name, at, "truncated: need " + len + " bytes, " + window.limit() + " left");
        }
    }

    private void readFully(ByteBuffer dst, long at) throws ImageException {
        long p = at;
        try {
            if (ch instanceof FileChannel) {
                FileChannel fc = (FileChannel) ch;
                while (dst.hasRemaining()) {
                    int n = fc.read(dst, p);
                    if (n < 0) {
                        throw new ImageException(name, p, "unexpected end of file");
                    }
                    p += n;
                }
            } else {
                ch.position(p);
                while (dst.hasRemaining()) {
                    int n = ch.read(dst);
                    if (n < 0) {
                        throw new ImageException(name, p, "unexpected end of file");
                    }
                    p += n;
                }
            }
        } catch (ImageException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageException(name, p, "read failed: " + e.getMessage(), e);
        }
    }

    /** The underlying channel, for positional reads of raw images. */
    public SeekableByteChannel channel() {
        return ch;
    }

    /** Closes the file; safe to call twice. */
    @Override
    public void close() {
        closeQuietly(ch);
    }
}
