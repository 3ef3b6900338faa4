package org.jcriu.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario without a checkpoint: launch, READY, SIGTERM, PASS. Proves
 * each program works; the negative runs (--arg corrupt) prove the checks can
 * fail.
 */
class ScenarioSelfTest {

    @Test
    void everySourceHasABinary() {
        List<String> missing = new ArrayList<>();
        for (String n : ScenarioEnv.names())
            if (!Files.isExecutable(ScenarioEnv.BIN.resolve(n))) missing.add(n);
        assertTrue(missing.isEmpty(), "not built: " + missing);
        assertTrue(ScenarioEnv.names().size() >= 50, "at least 50 scenarios: " + ScenarioEnv.names().size());
    }

    @TestFactory
    Stream<DynamicTest> passesWithoutCheckpoint() {
        return ScenarioEnv.names().stream().map(n -> DynamicTest.dynamicTest(n, () -> runOnce(n, false)));
    }

    @TestFactory
    Stream<DynamicTest> failsWhenCorrupted() {
        List<String> names = ScenarioEnv.names().stream().filter(ScenarioEnv::hasCorrupt).toList();
        assertFalse(names.isEmpty(), "no scenario implements --arg corrupt");
        return names.stream().map(n -> DynamicTest.dynamicTest(n + " (corrupt)", () -> runOnce(n, true)));
    }

    private static void runOnce(String name, boolean corrupt) {
        var dir = ScenarioEnv.freshDir("run", corrupt ? name + "-corrupt" : name);
        String result;
        String diag;
        try (ScenarioRun run = corrupt ? ScenarioRun.start(name, dir, "--arg", "corrupt") : ScenarioRun.start(name, dir)) {
            run.awaitReady();
            run.terminate();
            result = run.awaitResult();
            diag = run.diagnostics();
            // an exited root waits as a zombie for init to reap it; that is not left behind.
            // A failing (corrupted) run may leave children: close() kills them.
            if (!corrupt)
                assertTrue(run.waitGone(true), name + ": tree did not exit: " + run.ourLivePids());
        }
        if (corrupt)
            assertTrue(result.startsWith("FAIL"), name + " with --arg corrupt must report FAIL, got: " + result + "\n" + diag);
        else
            assertEquals("PASS", result, name + ": " + result + "\n" + diag);
    }
}
