package org.jcriu.criu.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The log's time prefix is CRIU's "(SS.UUUUUU) ", as String.format("(%02d.%06d) ") wrote it. */
class LogPrefixTest {
    @Test
    void sameAsTheFormatString() {
        for (long us : new long[] {0, 5, 99, 100_000, 123_456, 999_999, 1_000_000, 9_000_001, 12_345_678, 100_000_000, 3_600_000_042L}) {
            assertEquals(String.format("(%02d.%06d) ", us / 1_000_000, us % 1_000_000), Log.prefix(us), Long.toString(us));
        }
    }
}
