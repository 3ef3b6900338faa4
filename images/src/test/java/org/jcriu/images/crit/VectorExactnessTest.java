package org.jcriu.images.crit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.images.Vectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * jcriu's crit against CRIU 4.2's crit on the vectors: byte-exact JSON,
 * plain and --pretty, and byte-exact re-encoding of both.
 */
class VectorExactnessTest {
    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> decodeMatchesCriuCrit() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path img : Vectors.images()) {
            String base = Vectors.base(img);
            Path plain = Vectors.expected().resolve(base + ".plain.json");
            Path pretty = Vectors.expected().resolve(base + ".json");
            if (!Files.exists(plain)) {
                // stats-restore has no expected JSON: it must still decode
                tests.add(DynamicTest.dynamicTest(base + " decodes", () -> {
                    CritRunner.Result r = CritRunner.run("decode", "-i", img.toString());
                    assertEquals(0, r.rc(), r.err());
                    assertTrue(r.outText().startsWith("{\"magic\": \""), r.outText());
                }));
                continue;
            }
            tests.add(DynamicTest.dynamicTest(base + " plain", () -> {
                CritRunner.Result r = CritRunner.run("decode", "-i", img.toString());
                assertEquals(0, r.rc(), r.err());
                assertEquals(Files.readString(plain), r.outText());
            }));
            tests.add(DynamicTest.dynamicTest(base + " pretty", () -> {
                CritRunner.Result r = CritRunner.run("decode", "--pretty", "-i", img.toString());
                assertEquals(0, r.rc(), r.err());
                assertEquals(Files.readString(pretty), r.outText());
            }));
            tests.add(DynamicTest.dynamicTest(base + " show", () -> {
                CritRunner.Result r = CritRunner.run("show", img.toString());
                assertEquals(0, r.rc(), r.err());
                assertEquals(Files.readString(pretty), r.outText());
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> encodeOfDecodeIsIdentity() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path img : Vectors.images()) {
            String base = Vectors.base(img);
            for (boolean pretty : new boolean[] {false, true}) {
                tests.add(DynamicTest.dynamicTest(base + (pretty ? " pretty" : " plain") + " round trip", () -> {
                    Path json = tmp.resolve(base + (pretty ? ".json" : ".plain.json"));
                    Path back = tmp.resolve(base + (pretty ? ".pretty.img" : ".img"));
                    CritRunner.Result d = pretty
                            ? CritRunner.run("decode", "--pretty", "-i", img.toString(), "-o", json.toString())
                            : CritRunner.run("decode", "-i", img.toString(), "-o", json.toString());
                    assertEquals(0, d.rc(), d.err());
                    CritRunner.Result e = CritRunner.run("encode", "-i", json.toString(), "-o", back.toString());
                    assertEquals(0, e.rc(), e.err());
                    assertArrayEquals(Files.readAllBytes(img), Files.readAllBytes(back), base + " re-encoded differs");
                }));
            }
        }
        return tests;
    }

    @Test
    void encodeToStdoutMatches() throws IOException {
        Path img = Vectors.dump().resolve("pipes-data.img");
        CritRunner.Result r = CritRunner.run("encode", "-i", Vectors.expected().resolve("pipes-data.json").toString());
        assertEquals(0, r.rc(), r.err());
        assertArrayEquals(Files.readAllBytes(img), r.out());
    }

    @Test
    void infoCountsEntries() {
        CritRunner.Result r = CritRunner.run("info", Vectors.dump().resolve("pagemap-30978.img").toString());
        assertEquals(0, r.rc(), r.err());
        assertEquals("{\n    \"magic\": \"PAGEMAP\",\n    \"count\": 19\n}\n", r.outText());
        r = CritRunner.run("info", "-i", Vectors.dump().resolve("fdinfo-2.img").toString());
        assertEquals("{\n    \"magic\": \"FDINFO\",\n    \"count\": 15\n}\n", r.outText());
    }

    @Test
    void explorePsFdsMems() {
        String dir = Vectors.dump().toString();
        CritRunner.Result ps = CritRunner.run("x", dir, "ps");
        assertEquals(0, ps.rc(), ps.err());
        assertEquals("    PID   PGID    SID   COMM\n  30978  30978  30978   vec\n", ps.outText());
        CritRunner.Result fds = CritRunner.run("x", dir, "fds");
        assertEquals(0, fds.rc(), fds.err());
        assertTrue(fds.outText().contains("\t      3: pipe[609283]\n"), fds.outText());
        assertTrue(fds.outText().contains("\t      5: unix[609284 (609285)]\n"), fds.outText());
        assertTrue(fds.outText().contains("\t     12: /tmp/vec/data.txt\n"), fds.outText());
        assertTrue(fds.outText().endsWith("\t    cwd: /tmp/vec\n\t   root: /\n"), fds.outText());
        CritRunner.Result mems = CritRunner.run("x", dir, "mems");
        assertEquals(0, mems.rc(), mems.err());
        assertTrue(mems.outText().contains("\texe                                     /tmp/vec/vec\n"), mems.outText());
        assertTrue(mems.outText().contains("\t557499e5d000-557499e5e000           r-x /tmp/vec/vec + 0x1000\n"), mems.outText());
        CritRunner.Result rss = CritRunner.run("x", dir, "rss");
        assertEquals(0, rss.rc(), rss.err());
        assertTrue(rss.outText().startsWith("30978\n\t557499e5d000 / 1        557499e5d000 / 1        /tmp/vec/vec\n"), rss.outText());
    }
}
