package org.jcriu.images.crit;

import com.google.protobuf.Message;
import com.google.protobuf.UninitializedMessageException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.proto.BpfmapDataEntry;
import org.jcriu.images.proto.GhostChunkEntry;
import org.jcriu.images.proto.GhostFileEntry;
import org.jcriu.images.proto.IpcMsg;
import org.jcriu.images.proto.IpcSemEntry;
import org.jcriu.images.proto.IpcShmEntry;
import org.jcriu.images.proto.PagemapEntry;
import org.jcriu.images.proto.PagemapHead;
import org.jcriu.images.proto.PipeDataEntry;
import org.jcriu.images.proto.SkPacketEntry;
import org.jcriu.images.proto.TcpStreamEntry;

/**
 * A whole image as the JSON tree CRIU's crit gives: {@code {"magic": NAME,
 * "entries": [...]}}, raw payloads under {@code "extra"} in each entry.
 */
final class ImageJson {
    private ImageJson() {
    }

    /**
     * Decodes every entry of an image.
     *
     * @param noPayload replace payloads by a size note (crit show --nopl)
     */
    static Map<String, Object> decode(ImageReader r, boolean pretty, boolean noPayload) throws ImageException {
        ImageType t = r.type();
        if (t.isRaw()) {
            throw new ImageException(r.name(), 0, "raw image " + t + " has no entries to decode");
        }
        List<Object> entries = new ArrayList<>();
        Message m;
        if (t.payload() == ImageType.Payload.GHOST) {
            m = r.next();
            if (m == null) {
                throw new ImageException(r.name(), r.position(), "ghost file image without its entry");
            }
            Map<String, Object> first = PbJson.toJson(m, pretty);
            if (((GhostFileEntry) m).getChunks()) {
                entries.add(first);
                while ((m = r.next()) != null) {
                    Map<String, Object> e = PbJson.toJson(m, pretty);
                    long len = ((GhostChunkEntry) m).getLen();
                    if (noPayload) {
                        r.skipPayload(len);
                    } else {
                        e.put("extra", PbJson.base64(r.readPayload(len)));
                    }
                    entries.add(e);
                }
            } else {
                long len = r.payloadRemaining();
                if (noPayload) {
                    r.skipPayload(len);
                } else {
                    first.put("extra", PbJson.base64(r.readPayload(len)));
                }
                entries.add(first);
            }
        } else {
            while ((m = r.next()) != null) {
                Map<String, Object> e = PbJson.toJson(m, pretty);
                if (t.payload() != ImageType.Payload.NONE) {
                    if (noPayload) {
                        e.put("extra", "... <" + humanReadable(r.payloadRemaining()) + ">");
                    } else {
                        e.put("extra", extra(r, t.payload(), m));
                    }
                }
                entries.add(e);
            }
        }
        Map<String, Object> img = new LinkedHashMap<>();
        img.put("magic", t.critName());
        img.put("entries", entries);
        return img;
    }

    private static String humanReadable(long n) {
        double num = n;
        for (String unit : new String[] {"", "K", "M", "G", "T", "P", "E", "Z"}) {
            if (num < 1024.0) {
                return num == Math.floor(num) ? String.format("%d%sB", (long) num, unit) : String.format("%.1f%sB", num, unit);
            }
            num /= 1024.0;
        }
        return String.format("%.1fYB", num);
    }

    private static Object extra(ImageReader r, ImageType.Payload kind, Message m) throws ImageException {
        switch (kind) {
            case PIPE_DATA:
                return PbJson.base64(r.readPayload(((PipeDataEntry) m).getBytes() & 0xffffffffL));
            case SK_QUEUE:
                return PbJson.base64(r.readPayload(((SkPacketEntry) m).getLength() & 0xffffffffL));
            case BPFMAP_DATA: {
                BpfmapDataEntry b = (BpfmapDataEntry) m;
                return PbJson.base64(r.readPayload((b.getKeysBytes() & 0xffffffffL) + (b.getValuesBytes() & 0xffffffffL)));
            }
            case TCP_STREAM: {
                TcpStreamEntry ts = (TcpStreamEntry) m;
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("inq", PbJson.base64(r.readPayload(ts.getInqLen() & 0xffffffffL)));
                d.put("outq", PbJson.base64(r.readPayload(ts.getOutqLen() & 0xffffffffL)));
                return d;
            }
            case IPC_SHM: {
                long size = ((IpcShmEntry) m).getSize();
                String s = PbJson.base64(r.readPayload(size));
                r.skipPayload(r.payloadRemaining());
                return s;
            }
            case IPC_SEM: {
                int n = ((IpcSemEntry) m).getNsems();
                ByteBuffer b = ByteBuffer.wrap(r.readPayload(2L * n)).order(ByteOrder.LITTLE_ENDIAN);
                List<Object> l = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    l.add((long) (b.getShort() & 0xffff));
                }
                r.skipPayload(r.payloadRemaining());
                return l;
            }
            case IPC_MSG: {
                List<Object> l = new ArrayList<>();
                while (r.payloadRemaining() > 0) {
                    IpcMsg msg = r.nextInPayload(IpcMsg.parser());
                    long size = msg.getMsize() & 0xffffffffL;
                    l.add(PbJson.toJson(msg, false));
                    l.add(PbJson.base64(r.readPayload(size)));
                    r.skipPayload(((size + 7) & ~7L) - size);
                }
                return l;
            }
            default:
                return null;
        }
    }

    /** Encodes a JSON tree into an image written to {@code out}. */
    @SuppressWarnings("unchecked")
    static void encode(Object json, WritableByteChannel out, String name) throws ImageException {
        if (!(json instanceof Map)) {
            throw new ImageException(name, -1, "JSON input is not an object with \"magic\" and \"entries\"");
        }
        Map<String, Object> img = (Map<String, Object>) json;
        Object mg = img.get("magic");
        ImageType t = mg instanceof String ? ImageType.byCritName((String) mg) : null;
        if (t == null) {
            throw new ImageException(name, -1, "unknown magic name " + mg);
        }
        Object es = img.get("entries");
        if (!(es instanceof List)) {
            throw new ImageException(name, -1, "\"entries\" is not a list");
        }
        List<Object> entries = (List<Object>) es;
        ImageWriter w = ImageWriter.to(out, name, t);
        boolean ghostChunks = false;
        for (int i = 0; i < entries.size(); i++) {
            Object e = entries.get(i);
            Message proto = t.entryPrototype();
            if (i == 0 && t == ImageType.PAGEMAP) {
                proto = PagemapHead.getDefaultInstance();
            } else if (t == ImageType.PAGEMAP) {
                proto = PagemapEntry.getDefaultInstance();
            } else if (t == ImageType.GHOST_FILE && i > 0) {
                if (!ghostChunks) {
                    break;
                }
                proto = GhostChunkEntry.getDefaultInstance();
            }
            Message m;
            try {
                Message.Builder b = proto.newBuilderForType();
                PbJson.fromJson(e, b);
                m = b.build();
            } catch (PbJson.ShapeException | UninitializedMessageException x) {
                throw new ImageException(name, -1, "entry " + i + ": " + x.getMessage(), x);
            }
            w.write(m);
            Object extra = e instanceof Map ? ((Map<String, Object>) e).get("extra") : null;
            try {
                if (t == ImageType.GHOST_FILE) {
                    if (i == 0) {
                        ghostChunks = ((GhostFileEntry) m).getChunks();
                    }
                    if (extra != null && !(i == 0 && ghostChunks)) {
                        w.writeRaw(ByteBuffer.wrap(PbJson.unbase64(str(extra))));
                    }
                } else if (t.payload() != ImageType.Payload.NONE && truthy(extra)) {
                    writeExtra(w, t.payload(), m, extra);
                }
            } catch (PbJson.ShapeException | ClassCastException x) {
                throw new ImageException(name, -1, "entry " + i + " extra: " + x.getMessage(), x);
            }
        }
        w.close();
    }

    private static boolean truthy(Object o) {
        return o != null && !(o instanceof String && ((String) o).isEmpty()) && !(o instanceof List && ((List<?>) o).isEmpty())
                && !(o instanceof Map && ((Map<?, ?>) o).isEmpty());
    }

    private static String str(Object o) throws PbJson.ShapeException {
        if (!(o instanceof String)) {
            throw new PbJson.ShapeException("payload is not a base64 string");
        }
        return (String) o;
    }

    @SuppressWarnings("unchecked")
    private static void writeExtra(ImageWriter w, ImageType.Payload kind, Message m, Object extra)
            throws ImageException, PbJson.ShapeException {
        switch (kind) {
            case TCP_STREAM: {
                if (!(extra instanceof Map)) {
                    throw new PbJson.ShapeException("tcp stream payload wants {\"inq\", \"outq\"}");
                }
                Map<String, Object> d = (Map<String, Object>) extra;
                w.writeRaw(ByteBuffer.wrap(PbJson.unbase64(str(d.get("inq")))));
                w.writeRaw(ByteBuffer.wrap(PbJson.unbase64(str(d.get("outq")))));
                return;
            }
            case IPC_SHM: {
                long size = ((IpcShmEntry) m).getSize();
                byte[] data = PbJson.unbase64(str(extra));
                int n = (int) Math.min(size, data.length);
                w.writeRaw(ByteBuffer.wrap(data, 0, n));
                w.writeRaw(ByteBuffer.allocate((int) (((n + 3) & ~3L) - n)));
                return;
            }
            case IPC_SEM: {
                if (!(extra instanceof List)) {
                    throw new PbJson.ShapeException("semaphore payload wants a list");
                }
                List<Object> l = (List<Object>) extra;
                int nsems = ((IpcSemEntry) m).getNsems();
                if (l.size() != nsems) {
                    throw new PbJson.ShapeException("number of semaphores mismatch");
                }
                int size = 2 * nsems;
                ByteBuffer b = ByteBuffer.allocate((size + 7) & ~7).order(ByteOrder.LITTLE_ENDIAN);
                for (Object o : l) {
                    b.putShort((short) ((Long) o).longValue());
                }
                b.clear();
                w.writeRaw(b);
                return;
            }
            case IPC_MSG: {
                List<Object> l = (List<Object>) extra;
                for (int i = 0; i + 1 < l.size(); i += 2) {
                    IpcMsg.Builder b = IpcMsg.newBuilder();
                    PbJson.fromJson(l.get(i), b);
                    IpcMsg msg = b.build();
                    w.write(msg);
                    byte[] data = PbJson.unbase64(str(l.get(i + 1)));
                    int size = msg.getMsize();
                    int n = Math.min(size, data.length);
                    w.writeRaw(ByteBuffer.wrap(data, 0, n));
                    w.writeRaw(ByteBuffer.allocate(((size + 7) & ~7) - n));
                }
                return;
            }
            default:
                w.writeRaw(ByteBuffer.wrap(PbJson.unbase64(str(extra))));
        }
    }
}
