package org.jcriu.images.crit;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jcriu.images.proto.CritOpts;
import org.jcriu.images.proto.OptsProto;

/**
 * Protobuf message to JSON tree and back, as CRIU's crit does it: set fields
 * only, in field number order; enums by name; bytes as base64 with a newline
 * every 76 characters and at the end; with {@code pretty}, numbers shaped by
 * the field's {@link CritOpts} (hex, flag names, major:minor, value names,
 * IP addresses). Hex is inherited by everything inside a hex message field.
 */
final class PbJson {
    private PbJson() {
    }

    /** Thrown for JSON that does not fit the message. */
    static final class ShapeException extends Exception {
        private static final long serialVersionUID = 1L;

        ShapeException(String msg) {
            super(msg);
        }
    }

    private static final Map<Descriptor, List<FieldDescriptor>> SORTED = new ConcurrentHashMap<>();

    private static List<FieldDescriptor> byNumber(Descriptor d) {
        return SORTED.computeIfAbsent(d, k -> {
            List<FieldDescriptor> l = new ArrayList<>(k.getFields());
            l.sort(Comparator.comparingInt(FieldDescriptor::getNumber));
            return l;
        });
    }

    private static final Map<FieldDescriptor, CritOpts> OPTS = new ConcurrentHashMap<>();

    static CritOpts opts(FieldDescriptor f) {
        return OPTS.computeIfAbsent(f, k -> k.getOptions().hasExtension(OptsProto.criu)
                ? k.getOptions().getExtension(OptsProto.criu) : CritOpts.getDefaultInstance());
    }

    // ---- flag and value tables (CRIU's crit prints these names) ----

    private static final Object[][] MMAP_PROT = {{"PROT_READ", 0x1L}, {"PROT_WRITE", 0x2L}, {"PROT_EXEC", 0x4L}};
    private static final Object[][] MMAP_FLAGS = {{"MAP_SHARED", 0x1L}, {"MAP_PRIVATE", 0x2L}, {"MAP_ANON", 0x20L},
        {"MAP_GROWSDOWN", 0x100L}};
    private static final Object[][] MMAP_STATUS = {{"VMA_AREA_NONE", 0L}, {"VMA_AREA_REGULAR", 1L}, {"VMA_AREA_STACK", 1L << 1},
        {"VMA_AREA_VSYSCALL", 1L << 2}, {"VMA_AREA_VDSO", 1L << 3}, {"VMA_AREA_HEAP", 1L << 5},
        {"VMA_FILE_PRIVATE", 1L << 6}, {"VMA_FILE_SHARED", 1L << 7}, {"VMA_ANON_SHARED", 1L << 8},
        {"VMA_ANON_PRIVATE", 1L << 9}, {"VMA_AREA_SYSVIPC", 1L << 10}, {"VMA_AREA_SOCKET", 1L << 11},
        {"VMA_AREA_VVAR", 1L << 12}, {"VMA_AREA_AIORING", 1L << 13}, {"VMA_AREA_MEMFD", 1L << 14}, {"VMA_UNSUPP", 1L << 31}};
    private static final Object[][] RFILE_FLAGS = {{"O_WRONLY", 01L}, {"O_RDWR", 02L}, {"O_CREAT", 0100L},
        {"O_EXCL", 0200L}, {"O_NOCTTY", 0400L}, {"O_TRUNC", 01000L}, {"O_APPEND", 02000L}, {"O_NONBLOCK", 04000L},
        {"O_DSYNC", 010000L}, {"FASYNC", 020000L}, {"O_DIRECT", 040000L}, {"O_LARGEFILE", 0100000L},
        {"O_DIRECTORY", 0200000L}, {"O_NOFOLLOW", 0400000L}, {"O_NOATIME", 01000000L}, {"O_CLOEXEC", 02000000L}};
    private static final Object[][] SEALS = {{"F_SEAL_SEAL", 1L}, {"F_SEAL_SHRINK", 2L}, {"F_SEAL_GROW", 4L},
        {"F_SEAL_WRITE", 8L}, {"F_SEAL_FUTURE_WRITE", 0x10L}};
    private static final Object[][] PMAP = {{"PE_PARENT", 1L}, {"PE_LAZY", 2L}, {"PE_PRESENT", 4L}};

    private static final Map<String, Object[][]> FLAG_MAPS = Map.of("mmap.prot", MMAP_PROT, "mmap.flags", MMAP_FLAGS,
            "mmap.status", MMAP_STATUS, "rfile.flags", RFILE_FLAGS, "pmap.flags", PMAP, "seals.flags", SEALS);

    private static final Map<String, Map<String, Map<Long, String>>> DICTS = Map.of(
            "gen", Map.of("task_state", Map.of(1L, "Alive", 3L, "Zombie", 6L, "Stopped")),
            "sk", Map.of(
                    "family", Map.of(1L, "UNIX", 2L, "INET", 10L, "INET6", 16L, "NETLINK", 17L, "PACKET"),
                    "type", Map.of(1L, "STREAM", 2L, "DGRAM", 3L, "RAW", 5L, "SEQPACKET", 10L, "PACKET"),
                    "state", Map.of(1L, "ESTABLISHED", 2L, "SYN_SENT", 3L, "SYN_RECV", 4L, "FIN_WAIT1", 5L, "FIN_WAIT2",
                            6L, "TIME_WAIT", 7L, "CLOSE", 8L, "CLOSE_WAIT", 9L, "LAST_ACK", 10L, "LISTEN"),
                    "proto", Map.of(0L, "IP", 6L, "TCP", 17L, "UDP", 136L, "UDPLITE")));

    // ---- message -> JSON ----

    static Map<String, Object> toJson(Message m, boolean pretty) {
        return toJson(m, pretty, false);
    }

    static Map<String, Object> toJson(Message m, boolean pretty, boolean hex) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (FieldDescriptor f : byNumber(m.getDescriptorForType())) {
            if (f.isRepeated()) {
                int n = m.getRepeatedFieldCount(f);
                if (n == 0) {
                    continue;
                }
                List<Object> l = new ArrayList<>(n);
                if (pretty && opts(f).getIpadd() && (n == 1 || n >= 4)) {
                    l.add(ipString(m, f, n));
                } else {
                    for (int i = 0; i < n; i++) {
                        l.add(cast(f, m.getRepeatedField(f, i), pretty, hex));
                    }
                }
                d.put(f.getName(), l);
            } else if (m.hasField(f)) {
                d.put(f.getName(), cast(f, m.getField(f), pretty, hex));
            }
        }
        return d;
    }

    private static String ipString(Message m, FieldDescriptor f, int n) {
        // each u32 holds four address bytes in network order, read as a little-endian word
        byte[] a = new byte[n == 1 ? 4 : 16];
        for (int i = 0; i < a.length / 4; i++) {
            int v = (Integer) m.getRepeatedField(f, i);
            for (int k = 0; k < 4; k++) {
                a[4 * i + k] = (byte) (v >>> (8 * k));
            }
        }
        return a.length == 4 ? ipv4(a, 0) : ipv6(a);
    }

    private static String ipv4(byte[] a, int o) {
        return (a[o] & 255) + "." + (a[o + 1] & 255) + "." + (a[o + 2] & 255) + "." + (a[o + 3] & 255);
    }

    /** IPv6 in the compressed form Python's ipaddress prints (first longest zero run of 2+ groups as ::). */
    private static String ipv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (a[2 * i] & 255) << 8 | (a[2 * i + 1] & 255);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestLen = j - i;
                    bestStart = i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(Integer.toHexString(g[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    private static Object cast(FieldDescriptor f, Object v, boolean pretty, boolean hex) {
        boolean isHex = hex || opts(f).getHex();
        switch (f.getJavaType()) {
            case MESSAGE: return toJson((Message) v, pretty, isHex);
            case BYTE_STRING: return encodeBytes(f, (ByteString) v);
            case ENUM: return ((EnumValueDescriptor) v).getName();
            case BOOLEAN: return v;
            case STRING: return v;
            case INT:
            case LONG:
                Object num = number(f, v);
                return pretty ? prettyInt(f, num, isHex) : num;
            default:
                throw new IllegalStateException("field " + f.getFullName() + " has unsupported type " + f.getType());
        }
    }

    /** The field's value as Python would hold it: unsigned types never negative. */
    static Object number(FieldDescriptor f, Object v) {
        switch (f.getType()) {
            case UINT32:
            case FIXED32:
                return ((Integer) v) & 0xffffffffL;
            case UINT64:
            case FIXED64:
                long l = (Long) v;
                return l >= 0 ? (Object) l : new BigInteger(Long.toUnsignedString(l));
            case INT32:
            case SINT32:
            case SFIXED32:
                return (long) (Integer) v;
            default:
                return v;
        }
    }

    private static String hex(Object num) {
        if (num instanceof BigInteger) {
            return "0x" + ((BigInteger) num).toString(16);
        }
        long l = (Long) num;
        return l < 0 ? "-0x" + Long.toHexString(-l) : "0x" + Long.toHexString(l);
    }

    private static Object prettyInt(FieldDescriptor f, Object num, boolean isHex) {
        if (isHex) {
            return hex(num);
        }
        CritOpts o = opts(f);
        long value = num instanceof BigInteger ? ((BigInteger) num).longValue() : (Long) num;
        if (o.getDev()) {
            if (o.getOdev()) {
                long major = ((value >>> 8) & 0xfff) | ((value >>> 32) & ~0xfffL);
                long minor = (value & 0xff) | ((value >>> 12) & ~0xffL);
                return major + ":" + minor;
            }
            return (value >> 20) + ":" + (value & ((1 << 20) - 1));
        }
        if (!o.getFlags().isEmpty()) {
            Object[][] map = FLAG_MAPS.get(o.getFlags());
            if (map == null) {
                return hex(num);
            }
            return mapFlags(value, map);
        }
        if (!o.getDict().isEmpty()) {
            Map<String, Map<Long, String>> dm = DICTS.get(o.getDict());
            Map<Long, String> names = dm == null ? null : dm.get(f.getName());
            String n = names == null ? null : names.get(value);
            return n != null ? n : num;
        }
        return num;
    }

    private static String mapFlags(long value, Object[][] map) {
        StringBuilder sb = new StringBuilder();
        long all = 0;
        for (Object[] e : map) {
            long bit = (Long) e[1];
            all += bit;
            if ((value & bit) != 0) {
                sb.append(sb.length() > 0 ? " | " : "").append((String) e[0]);
            }
        }
        long rest = value & ~all;
        if (rest != 0) {
            sb.append(sb.length() > 0 ? " | " : "").append(rest < 0 ? "-0x" + Long.toHexString(-rest) : "0x" + Long.toHexString(rest));
        }
        return sb.toString();
    }

    // ---- bytes encodings ----

    static String base64(byte[] b) {
        if (b.length == 0) {
            return "";
        }
        return Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(b) + "\n";
    }

    static byte[] unbase64(String s) throws ShapeException {
        try {
            return Base64.getMimeDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new ShapeException("bad base64: " + e.getMessage());
        }
    }

    private static Object encodeBytes(FieldDescriptor f, ByteString v) {
        if ("unix_name".equals(opts(f).getConv())) {
            return Quopri.encode(v.toByteArray());
        }
        return base64(v.toByteArray());
    }

    // ---- JSON -> message ----

    @SuppressWarnings("unchecked")
    static void fromJson(Object json, Message.Builder b) throws ShapeException {
        if (!(json instanceof Map)) {
            throw new ShapeException(b.getDescriptorForType().getName() + " wants a JSON object");
        }
        Map<String, Object> d = (Map<String, Object>) json;
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            if (!d.containsKey(f.getName())) {
                continue;
            }
            Object v = d.get(f.getName());
            if (f.isRepeated()) {
                if (!(v instanceof List)) {
                    throw new ShapeException(f.getName() + " wants a list");
                }
                List<Object> l = (List<Object>) v;
                if (!l.isEmpty() && l.get(0) instanceof String && opts(f).getIpadd()) {
                    for (int w : parseIp((String) l.get(0))) {
                        b.addRepeatedField(f, w);
                    }
                    continue;
                }
                for (Object o : l) {
                    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                        Message.Builder sub = b.newBuilderForField(f);
                        fromJson(o, sub);
                        b.addRepeatedField(f, sub.buildPartial());
                    } else {
                        b.addRepeatedField(f, uncast(f, o));
                    }
                }
            } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                Message.Builder sub = b.newBuilderForField(f);
                fromJson(v, sub);
                b.setField(f, sub.buildPartial());
            } else {
                b.setField(f, uncast(f, v));
            }
        }
    }

    private static int[] parseIp(String s) throws ShapeException {
        byte[] a;
        if (s.indexOf(':') < 0) {
            String[] p = s.split("\\.", -1);
            if (p.length != 4) {
                throw new ShapeException("bad IP address " + s);
            }
            a = new byte[4];
            for (int i = 0; i < 4; i++) {
                try {
                    int v = Integer.parseInt(p[i]);
                    if (v < 0 || v > 255 || p[i].isEmpty() || p[i].startsWith("+")) {
                        throw new NumberFormatException();
                    }
                    a[i] = (byte) v;
                } catch (NumberFormatException e) {
                    throw new ShapeException("bad IP address " + s);
                }
            }
        } else {
            // a literal with ':' is parsed without any name lookup
            try {
                a = InetAddress.getByName(s.startsWith("[") ? s : "[" + s + "]").getAddress();
            } catch (UnknownHostException | IllegalArgumentException e) {
                throw new ShapeException("bad IP address " + s);
            }
            if (a.length == 4) {
                // Java folds ::ffff:a.b.c.d to IPv4; the image keeps all four words
                byte[] m = new byte[16];
                m[10] = (byte) 0xff;
                m[11] = (byte) 0xff;
                System.arraycopy(a, 0, m, 12, 4);
                a = m;
            }
        }
        int[] w = new int[a.length / 4];
        for (int i = 0; i < w.length; i++) {
            // network-order bytes stored as a little-endian u32
            w[i] = (a[4 * i] & 255) | (a[4 * i + 1] & 255) << 8 | (a[4 * i + 2] & 255) << 16 | (a[4 * i + 3] & 255) << 24;
        }
        return w;
    }

    private static Object uncast(FieldDescriptor f, Object v) throws ShapeException {
        switch (f.getJavaType()) {
            case BYTE_STRING:
                if (!(v instanceof String)) {
                    throw new ShapeException(f.getName() + " wants a string");
                }
                return ByteString.copyFrom("unix_name".equals(opts(f).getConv()) ? Quopri.decode((String) v) : unbase64((String) v));
            case ENUM: {
                EnumValueDescriptor e = v instanceof String ? f.getEnumType().findValueByName((String) v) : null;
                if (e == null) {
                    throw new ShapeException(f.getName() + ": unknown value " + v);
                }
                return e;
            }
            case BOOLEAN:
                if (v instanceof Boolean) {
                    return v;
                }
                if (v instanceof Long) {
                    return (Long) v != 0;
                }
                throw new ShapeException(f.getName() + " wants a boolean");
            case STRING:
                if (!(v instanceof String)) {
                    throw new ShapeException(f.getName() + " wants a string");
                }
                return v;
            case INT:
            case LONG: {
                BigInteger n = v instanceof String ? parseIntString(f, (String) v) : toBig(f, v);
                return fit(f, n);
            }
            default:
                throw new ShapeException(f.getName() + ": unsupported type");
        }
    }

    private static BigInteger toBig(FieldDescriptor f, Object v) throws ShapeException {
        if (v instanceof Long) {
            return BigInteger.valueOf((Long) v);
        }
        if (v instanceof BigInteger) {
            return (BigInteger) v;
        }
        if (v instanceof Boolean) {
            return ((Boolean) v) ? BigInteger.ONE : BigInteger.ZERO;
        }
        throw new ShapeException(f.getName() + " wants a number");
    }

    private static BigInteger parseIntString(FieldDescriptor f, String s) throws ShapeException {
        CritOpts o = opts(f);
        if (o.getDev()) {
            String[] p = s.split(":");
            if (p.length != 2) {
                throw new ShapeException(f.getName() + ": bad device " + s);
            }
            long major = pyInt(f, p[0].trim()).longValue();
            long minor = pyInt(f, p[1].trim()).longValue();
            if (o.getOdev()) {
                long dev = ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
                return BigInteger.valueOf(dev);
            }
            return BigInteger.valueOf(major << 20 | minor);
        }
        if (!o.getFlags().isEmpty() && FLAG_MAPS.containsKey(o.getFlags())) {
            if (s.isEmpty()) {
                return BigInteger.ZERO;
            }
            BigInteger sum = BigInteger.ZERO;
            for (String part : s.split("\\|")) {
                String t = part.trim();
                Long bit = null;
                for (Object[] e : FLAG_MAPS.get(o.getFlags())) {
                    if (e[0].equals(t)) {
                        bit = (Long) e[1];
                    }
                }
                sum = sum.add(bit != null ? BigInteger.valueOf(bit) : pyInt(f, t));
            }
            return sum;
        }
        if (!o.getDict().isEmpty()) {
            Map<String, Map<Long, String>> dm = DICTS.get(o.getDict());
            Map<Long, String> names = dm == null ? null : dm.get(f.getName());
            if (names != null) {
                for (Map.Entry<Long, String> e : names.entrySet()) {
                    if (e.getValue().equals(s)) {
                        return BigInteger.valueOf(e.getKey());
                    }
                }
            }
        }
        return pyInt(f, s);
    }

    /** Python's int(s, 0): decimal, 0x hex, 0o octal, 0b binary, optional sign and underscores. */
    private static BigInteger pyInt(FieldDescriptor f, String s) throws ShapeException {
        String t = s.trim().replace("_", "");
        boolean neg = false;
        if (t.startsWith("-") || t.startsWith("+")) {
            neg = t.startsWith("-");
            t = t.substring(1);
        }
        int radix = 10;
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("0x")) {
            radix = 16;
            t = t.substring(2);
        } else if (lower.startsWith("0o")) {
            radix = 8;
            t = t.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            t = t.substring(2);
        }
        try {
            BigInteger b = new BigInteger(t, radix);
            return neg ? b.negate() : b;
        } catch (NumberFormatException e) {
            throw new ShapeException(f.getName() + ": not a number: " + s);
        }
    }

    private static final BigInteger U64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger U32 = BigInteger.ONE.shiftLeft(32);

    private static Object fit(FieldDescriptor f, BigInteger n) throws ShapeException {
        switch (f.getType()) {
            case UINT32:
            case FIXED32:
                if (n.signum() < 0 || n.compareTo(U32) >= 0) {
                    throw new ShapeException(f.getName() + ": " + n + " out of range for uint32");
                }
                return n.intValue();
            case INT32:
            case SINT32:
            case SFIXED32:
                if (n.bitLength() > 31) {
                    throw new ShapeException(f.getName() + ": " + n + " out of range for int32");
                }
                return n.intValue();
            case UINT64:
            case FIXED64:
                if (n.signum() < 0 || n.compareTo(U64) >= 0) {
                    throw new ShapeException(f.getName() + ": " + n + " out of range for uint64");
                }
                return n.longValue();
            default:
                if (n.bitLength() > 63) {
                    throw new ShapeException(f.getName() + ": " + n + " out of range for int64");
                }
                return n.longValue();
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
