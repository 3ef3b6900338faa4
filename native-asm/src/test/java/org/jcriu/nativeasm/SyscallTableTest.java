package org.jcriu.nativeasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyscallTableTest {
    @Test
    void tableIsPackagedAndMatchesKernelNumbers() throws Exception {
        Map<String, Integer> table = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/org/jcriu/nativeasm/syscalls.tbl")) {
            assertNotNull(in, "syscalls.tbl not packaged: make did not run");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.trim().split("\\s+");
                table.put(f[0], Integer.parseInt(f[1]));
            }
        }
        assertEquals(0, table.get("read"));
        assertEquals(39, table.get("getpid"));
        assertEquals(101, table.get("ptrace"));
        assertEquals(435, table.get("clone3"));
    }
}
