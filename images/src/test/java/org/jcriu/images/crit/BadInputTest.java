package org.jcriu.images.crit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;
import org.jcriu.images.ImageType;
import org.jcriu.images.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gives one clean line naming file, offset and problem; nothing
 * but ImageException escapes the reader and decoder.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] b) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    private static byte[] le(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    private static void assertOneCleanLine(CritRunner.Result r, String... parts) {
        assertEquals(1, r.rc(), "exit code; stderr: " + r.err());
        String err = r.err();
        assertTrue(err.endsWith("\n"), err);
        assertEquals(1, err.split("\n").length, "one line: " + err);
        assertTrue(err.startsWith("Error: "), err);
        assertFalse(err.contains("\tat "), err);
        for (String p : parts) {
            assertTrue(err.contains(p), "'" + p + "' not in: " + err);
        }
    }

    @Test
    void missingFile() {
        Path p = tmp.resolve("nope.img");
        ImageException e = assertThrows(ImageException.class, () -> ImageReader.open(p));
        assertEquals(-1, e.offset());
        assertEquals(p.toString(), e.file());
        assertOneCleanLine(CritRunner.run("decode", "-i", p.toString()), p.toString(), "no such file");
    }

    @Test
    void unknownMagic() throws IOException {
        Path p = write("x.img", le(0x54564319, 0xdeadbeef, 0));
        ImageException e = assertThrows(ImageException.class, () -> ImageReader.open(p));
        assertEquals(4, e.offset());
        assertOneCleanLine(CritRunner.run("decode", "-i", p.toString()), p.toString(), "offset 4", "unknown magic 0xdeadbeef");
    }

    @Test
    void rawPagesAreNotAnImage() {
        Path p = Vectors.dump().resolve("pages-1.img");
        assertOneCleanLine(CritRunner.run("decode", "-i", p.toString()), "pages-1.img", "offset 0", "unknown magic");
    }

    @Test
    void wrongMagicForTheKind() {
        Path p = Vectors.dump().resolve("pstree.img");
        ImageException e = assertThrows(ImageException.class, () -> ImageReader.open(p, ImageType.CORE));
        assertEquals(4, e.offset());
        assertTrue(e.problem().startsWith("wrong magic 0x50273030 (PSTREE), expected 0x55053847 (CORE)"), e.problem());
    }

    @Test
    void wrongHeadMagic() throws IOException {
        Path p = write("core-1.img", le(0x55053847, 0));
        ImageException e = assertThrows(ImageException.class, () -> ImageReader.open(p));
        assertTrue(e.problem().contains("wrong head magic"), e.problem());
        assertOneCleanLine(CritRunner.run("decode", "-i", write("empty.img", new byte[0]).toString()), "empty file");
    }

    @Test
    void truncatedEntry() throws IOException {
        byte[] b = Files.readAllBytes(Vectors.dump().resolve("fdinfo-2.img"));
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 3);
        Path p = write("fdinfo-2.img", cut);
        assertOneCleanLine(CritRunner.run("decode", "-i", p.toString()), p.toString(), "runs past the end of the file");
        byte[] tail = java.util.Arrays.copyOf(b, b.length + 2);
        Path q = write("fdinfo-3.img", tail);
        assertOneCleanLine(CritRunner.run("decode", "-i", q.toString()), "offset " + b.length, "truncated entry");
    }

    @Test
    void absurdLengthNeverAllocates() throws IOException {
        byte[] b = Files.readAllBytes(Vectors.dump().resolve("core-30978.img"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0xfffffff0);
        Path p = write("core-1.img", b);
        assertOneCleanLine(CritRunner.run("decode", "-i", p.toString()), "offset 8", "entry length 4294967280 runs past the end");
    }

    @Test
    void garbageProtobuf() throws IOException {
        byte[] b = new byte[8 + 4 + 6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0x54564319).putInt(0x50273030).putInt(6);
        for (int i = 0; i < 6; i++) {
            bb.put((byte) 0xff);
        }
        Path p = write("pstree.img", b);
        assertOneCleanLine(CritRunner.run("decode", "-i", p.toString()), "offset 8", "garbage protobuf");
    }

    @Test
    void missingRequiredFieldIsGarbage() throws IOException {
        // a pstree entry with only pid: ppid, pgid, sid are required
        byte[] b = le(0x54564319, 0x50273030, 2);
        b = java.util.Arrays.copyOf(b, b.length + 2);
        b[12] = 0x08;
        b[13] = 0x05;
        Path p = write("pstree.img", b);
        assertOneCleanLine(CritRunner.run("decode", "-i", p.toString()), "garbage protobuf", "missing required");
    }

    @Test
    void verboseShowsTheStack() {
        CritRunner.Result r = CritRunner.run("decode", "--verbose", "-i", tmp.resolve("none.img").toString());
        assertEquals(1, r.rc());
        assertTrue(r.err().startsWith("Error: "), r.err());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void badJsonForEncode() throws IOException {
        Path p = write("in.json", "{\"magic\": \"PSTREE\", \"entries\": [{\"pid\": 1}]}".getBytes());
        assertOneCleanLine(CritRunner.run("encode", "-i", p.toString(), "-o", tmp.resolve("o.img").toString()),
                "entry 0", "missing required");
        Path q = write("img.json", Files.readAllBytes(Vectors.dump().resolve("pstree.img")));
        assertOneCleanLine(CritRunner.run("encode", "-i", q.toString(), "-o", tmp.resolve("o.img").toString()), "cannot read JSON");
        Path r = write("m.json", "{\"magic\": \"NOPE\", \"entries\": []}".getBytes());
        assertOneCleanLine(CritRunner.run("encode", "-i", r.toString(), "-o", tmp.resolve("o.img").toString()), "unknown magic name NOPE");
    }

    @Test
    void randomJsonMutationsOnlyRaiseImageException() throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path p : Vectors.images()) {
            String base = Vectors.base(p);
            for (String suffix : new String[] {".json", ".plain.json"}) {
                Path j = Vectors.expected().resolve(base + suffix);
                if (Files.exists(j) && Files.size(j) < 20_000) {
                    texts.add(Files.readString(j));
                }
            }
        }
        Random rnd = new Random(0x150_2019L);
        String alphabet = "{}[]\",:0123456789-xabcdefABCDEF truenullfalse|\\u";
        int rejected = 0;
        for (int it = 0; it < 3000; it++) {
            StringBuilder sb = new StringBuilder(texts.get(rnd.nextInt(texts.size())));
            for (int n = 1 + rnd.nextInt(4); n > 0 && sb.length() > 0; n--) {
                int i = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0: sb.setCharAt(i, alphabet.charAt(rnd.nextInt(alphabet.length()))); break;
                    case 1: sb.deleteCharAt(i); break;
                    default: sb.insert(i, alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
            }
            try {
                Object json = Json.parse(sb.toString());
                ImageJson.encode(json, java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream()), "json-" + it);
            } catch (Json.ParseException | ImageException e) {
                rejected++;
            } catch (Throwable t) {
                fail("iteration " + it + " escaped with " + t + " on " + sb, t);
            }
        }
        assertTrue(rejected > 300, "only " + rejected + " rejected");
    }

    private static List<Integer> frameOffsets(byte[] b) {
        List<Integer> l = new ArrayList<>();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int first = bb.getInt(0);
        int p = first == 0x54564319 || first == 0x55105940 ? 8 : 4;
        while (p + 4 <= b.length) {
            l.add(p);
            long len = bb.getInt(p) & 0xffffffffL;
            p += 4 + (int) Math.min(len, b.length);
        }
        return l;
    }

    @Test
    void randomMutationsOnlyRaiseImageException() throws IOException {
        List<byte[]> vectors = new ArrayList<>();
        for (Path p : Vectors.images()) {
            vectors.add(Files.readAllBytes(p));
        }
        Random rnd = new Random(0x5eed_c0deL);
        int iterations = 4000;
        int rejected = 0;
        for (int it = 0; it < iterations; it++) {
            byte[] orig = vectors.get(rnd.nextInt(vectors.size()));
            byte[] b = orig.clone();
            int kind = rnd.nextInt(5);
            switch (kind) {
                case 0: // bit flips
                    for (int n = 1 + rnd.nextInt(8); n > 0; n--) {
                        int i = rnd.nextInt(b.length);
                        b[i] ^= (byte) (1 << rnd.nextInt(8));
                    }
                    break;
                case 1: // truncation
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                    break;
                case 2: { // length prefix corruption
                    List<Integer> fr = frameOffsets(b);
                    if (!fr.isEmpty()) {
                        int at = fr.get(rnd.nextInt(fr.size()));
                        int v = rnd.nextBoolean() ? rnd.nextInt() : rnd.nextInt(64);
                        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
                    }
                    break;
                }
                case 3: // random bytes over a region
                    for (int i = rnd.nextInt(b.length), n = rnd.nextInt(16); n > 0 && i < b.length; n--, i++) {
                        b[i] = (byte) rnd.nextInt();
                    }
                    break;
                default: // bytes inserted after the magics
                    int at = 8 + rnd.nextInt(Math.max(1, b.length - 8));
                    byte[] ins = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(ins);
                    byte[] nb = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, nb, 0, Math.min(at, b.length));
                    System.arraycopy(ins, 0, nb, Math.min(at, b.length), ins.length);
                    System.arraycopy(b, Math.min(at, b.length), nb, Math.min(at, b.length) + ins.length, b.length - Math.min(at, b.length));
                    b = nb;
            }
            boolean pretty = rnd.nextBoolean();
            try (ImageReader r = ImageReader.of(ByteBuffer.wrap(b), "mutant-" + it)) {
                String json = Json.dumps(ImageJson.decode(r, pretty, rnd.nextInt(8) == 0), pretty ? 4 : null);
                assertTrue(json.startsWith("{"));
            } catch (ImageException e) {
                rejected++;
                assertTrue(e.getMessage().startsWith("mutant-" + it + ": "), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            } catch (Throwable t) {
                fail("iteration " + it + " (mutation " + kind + ") escaped with " + t, t);
            }
        }
        // most mutations must be caught, not silently decoded
        assertTrue(rejected > iterations / 4, "only " + rejected + " of " + iterations + " rejected");
    }
}
