package org.jcriu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndToEndBenchTest {
    @Test
    void sizesParseLikeTheCommandLineSaysThem() {
        assertEquals(0, EndToEndBench.parseSize("small"));
        assertEquals(64L << 20, EndToEndBench.parseSize("64M"));
        assertEquals(1L << 30, EndToEndBench.parseSize("1G"));
        assertEquals(4096, EndToEndBench.parseSize("4K"));
    }

    @Test
    void limitsProgramMeasuresAllThreeBandwidths() throws Exception {
        Map<String, Double> lim = Limits.measure(Path.of("target/native/limits"), 16L << 20);
        assertEquals(3, lim.size(), lim.toString());
        for (double v : lim.values()) assertTrue(v > 0.05 && v < 200, lim.toString());
    }
}
