package org.jcriu.criu.restore;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One protobuf message decoded by field number, without a schema: what the
 * restore needs from CRIU's images, read by the field numbers of CRIU's
 * format. Varints and fixed values are longs, length-delimited values
 * ByteStrings (sub-messages, strings, bytes, packed scalars).
 *
 * <p>Stop-gap until the images module's generated classes land; the
 * restore's {@link Images} is the only user.
 */
final class ProtoMsg {
    private final Map<Integer, List<Object>> fields = new HashMap<>();

    static ProtoMsg parse(ByteString b) throws InvalidProtocolBufferException {
        return parse(b.newCodedInput());
    }

    static ProtoMsg parse(byte[] b) throws InvalidProtocolBufferException {
        return parse(CodedInputStream.newInstance(b));
    }

    private static ProtoMsg parse(CodedInputStream in) throws InvalidProtocolBufferException {
        ProtoMsg m = new ProtoMsg();
        try {
            for (;;) {
                int tag = in.readTag();
                if (tag == 0) break;
                int f = WireFormat.getTagFieldNumber(tag);
                Object v = switch (WireFormat.getTagWireType(tag)) {
                    case WireFormat.WIRETYPE_VARINT -> in.readUInt64();
                    case WireFormat.WIRETYPE_FIXED64 -> in.readFixed64();
                    case WireFormat.WIRETYPE_FIXED32 -> (long) in.readFixed32() & 0xffffffffL;
                    case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.readBytes();
                    default -> throw new InvalidProtocolBufferException("unsupported wire type in field " + f);
                };
                m.fields.computeIfAbsent(f, k -> new ArrayList<>(1)).add(v);
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        return m;
    }

    boolean has(int f) {
        return fields.containsKey(f);
    }

    long u64(int f, long dflt) {
        List<Object> l = fields.get(f);
        if (l == null) return dflt;
        Object v = l.get(l.size() - 1);
        return v instanceof Long x ? x : dflt;
    }

    long u64(int f) {
        return u64(f, 0);
    }

    int i32(int f, int dflt) {
        return (int) u64(f, dflt);
    }

    /** sint32 (zigzag), as CRIU uses for vma fd and some offsets. */
    long s32(int f, long dflt) {
        if (!has(f)) return dflt;
        long v = u64(f);
        return (v >>> 1) ^ -(v & 1);
    }

    String str(int f) {
        List<Object> l = fields.get(f);
        if (l == null) return null;
        return ((ByteString) l.get(l.size() - 1)).toStringUtf8();
    }

    ByteString bytes(int f) {
        List<Object> l = fields.get(f);
        return l == null ? null : (ByteString) l.get(l.size() - 1);
    }

    ProtoMsg msg(int f) throws InvalidProtocolBufferException {
        ByteString b = bytes(f);
        return b == null ? null : parse(b);
    }

    List<ProtoMsg> msgs(int f) throws InvalidProtocolBufferException {
        List<Object> l = fields.get(f);
        if (l == null) return Collections.emptyList();
        List<ProtoMsg> out = new ArrayList<>(l.size());
        for (Object o : l) out.add(parse((ByteString) o));
        return out;
    }

    /** A repeated varint field, packed or not. */
    long[] u64s(int f) throws InvalidProtocolBufferException {
        List<Object> l = fields.get(f);
        if (l == null) return new long[0];
        List<Long> out = new ArrayList<>();
        for (Object o : l) {
            if (o instanceof Long x) {
                out.add(x);
            } else {
                CodedInputStream in = ((ByteString) o).newCodedInput();
                try {
                    while (!in.isAtEnd()) out.add(in.readUInt64());
                } catch (IOException e) {
                    throw new InvalidProtocolBufferException(e);
                }
            }
        }
        long[] a = new long[out.size()];
        for (int i = 0; i < a.length; i++) a[i] = out.get(i);
        return a;
    }
}
