package org.jcriu.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcriu.test.Supported.Mode;
import org.junit.jupiter.api.Test;

class SupportedTest {
    private static final List<String> KNOWN = List.of("counter", "pipe_data", "zombie");

    @Test
    void parsesNamesModesAndComments() {
        Map<String, Set<Mode>> m = Supported.parse(List.of(
                "# header", "", "counter all", "pipe_data plain twice   # not leave-running yet", "  zombie leave-running"), KNOWN);
        assertEquals(EnumSet.allOf(Mode.class), m.get("counter"));
        assertEquals(EnumSet.of(Mode.PLAIN, Mode.TWICE), m.get("pipe_data"));
        assertEquals(EnumSet.of(Mode.LEAVE_RUNNING), m.get("zombie"));
    }

    @Test
    void rejectsUnknownNamesModesAndDuplicates() {
        assertThrows(IllegalArgumentException.class, () -> Supported.parse(List.of("nosuch plain"), KNOWN));
        assertThrows(IllegalArgumentException.class, () -> Supported.parse(List.of("counter lazy"), KNOWN));
        assertThrows(IllegalArgumentException.class, () -> Supported.parse(List.of("counter"), KNOWN));
        assertThrows(IllegalArgumentException.class, () -> Supported.parse(List.of("counter plain", "counter twice"), KNOWN));
    }

    @Test
    void theRealListIsValid() {
        Map<String, Set<Mode>> m = Supported.read();
        assertTrue(m.size() <= ScenarioEnv.names().size());
    }
}
