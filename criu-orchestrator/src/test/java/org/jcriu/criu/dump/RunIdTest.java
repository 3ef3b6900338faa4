package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assertions.*;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunIdTest {
    @Test
    void versionFourIetfVariant() {
        byte[] ones = new byte[16];
        java.util.Arrays.fill(ones, (byte) 0xff);
        UUID u = RunId.of(ones);
        assertEquals(4, u.version());
        assertEquals(2, u.variant());
        assertEquals("ffffffff-ffff-4fff-bfff-ffffffffffff", u.toString());
        assertEquals("00000000-0000-4000-8000-000000000000", RunId.of(new byte[16]).toString());
    }

    @Test
    void randomAndParsable() throws Exception {
        String a = RunId.random(), b = RunId.random();
        assertNotEquals(a, b);
        assertEquals(4, UUID.fromString(a).version());
        assertEquals(a, UUID.fromString(a).toString());
    }
}
