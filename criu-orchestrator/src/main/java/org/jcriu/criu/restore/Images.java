package org.jcriu.criu.restore;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CRIU-format image files of one images directory: the u32 magics
 * (IMG_COMMON or IMG_SERVICE, then the image's own; inventory has only its
 * own), then entries framed as a native-endian u32 length and a protobuf
 * message, some followed by a raw payload. Every problem becomes one line
 * naming the file: missing, truncated, corrupt.
 */
final class Images {
    static final int IMG_COMMON = 0x54564319, IMG_SERVICE = 0x55105940;
    static final int INVENTORY = 0x58313116, PSTREE = 0x50273030, CORE = 0x55053847, MM = 0x57492820,
            PAGEMAP = 0x56084025, FDINFO = 0x56213732, FILES = 0x56303138, FS = 0x51403912, IDS = 0x54432030,
            PIPES_DATA = 0x56453709, SK_QUEUES = 0x56264026, STATS = 0x57093306, GHOST_FILE = 0x52583605,
            UNIXSK = 0x54373943, EVENTFD_FILE = 0x44523722, TIMERFD = 0x50493712, SIGNALFD = 0x57323820,
            EVENTPOLL_FILE = 0x45023858, REMAP_FPATH = 0x59133954, MEMFD_INODE = 0x48453499, FIFO_DATA = 0x59333054, FILE_LOCKS = 0x54323616;

    /** One entry: its message and, for images that have them, the raw payload after it. */
    record Entry(ProtoMsg msg, byte[] payload) {}

    final Path dir;

    Images(Path dir) {
        this.dir = dir;
    }

    boolean exists(String name) {
        return Files.exists(dir.resolve(name));
    }

    List<ProtoMsg> read(String name, int magic) throws RestoreException {
        List<ProtoMsg> out = new ArrayList<>();
        for (Entry e : read(name, magic, -1)) out.add(e.msg());
        return out;
    }

    /**
     * Reads every entry; when payloadField &gt;= 0, each entry is followed by as
     * many raw bytes as that field of its message says.
     */
    List<Entry> read(String name, int magic, int payloadField) throws RestoreException {
        Path p = dir.resolve(name);
        byte[] all;
        try {
            all = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new RestoreException("image " + p + " is missing");
        } catch (IOException e) {
            throw new RestoreException("image " + p + " cannot be read: " + e.getMessage());
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.nativeOrder());
        if (b.remaining() < 4) throw new RestoreException("image " + p + " is truncated (no magic)");
        int m0 = b.getInt();
        if (m0 == IMG_COMMON || m0 == IMG_SERVICE) {
            if (b.remaining() < 4) throw new RestoreException("image " + p + " is truncated (no magic)");
            m0 = b.getInt();
        }
        if (m0 != magic) {
            throw new RestoreException("image " + p + " is corrupt: magic 0x" + Integer.toHexString(m0)
                    + ", expected 0x" + Integer.toHexString(magic));
        }
        List<Entry> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int at = b.position();
            if (b.remaining() < 4) throw new RestoreException("image " + p + " is truncated (entry header at offset " + at + ")");
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw new RestoreException("image " + p + " is truncated (entry at offset " + at + " needs " + len
                        + " bytes, " + b.remaining() + " left)");
            }
            byte[] body = new byte[len];
            b.get(body);
            ProtoMsg msg;
            try {
                msg = ProtoMsg.parse(body);
            } catch (InvalidProtocolBufferException e) {
                throw new RestoreException("image " + p + " is corrupt (entry at offset " + at + "): " + e.getMessage());
            }
            byte[] payload = null;
            if (payloadField == 0x7fffffff) {
                byte[] rest = new byte[b.remaining()];
                b.get(rest);
                out.add(new Entry(msg, rest));
                break;
            }
            if (payloadField >= 0) {
                long pl = msg.u64(payloadField);
                if (pl < 0 || pl > b.remaining()) {
                    throw new RestoreException("image " + p + " is truncated (payload of entry at offset " + at + ")");
                }
                payload = new byte[(int) pl];
                b.get(payload);
            }
            out.add(new Entry(msg, payload));
        }
        return out;
    }

    /** The first entry and every byte after it (ghost-file-N.img: the file's content follows its entry). */
    Entry readWithTail(String name, int magic) throws RestoreException {
        List<Entry> l = read(name, magic, 0x7fffffff);
        return l.get(0);
    }

    /** Exactly one entry, as core-*, mm-*, fs-*, ids-* and inventory hold. */
    ProtoMsg one(String name, int magic) throws RestoreException {
        List<ProtoMsg> l = read(name, magic);
        if (l.size() != 1) throw new RestoreException("image " + dir.resolve(name) + " is corrupt: " + l.size() + " entries, expected 1");
        return l.get(0);
    }
}
