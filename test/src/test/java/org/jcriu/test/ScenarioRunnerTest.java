package org.jcriu.test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jcriu.test.Supported.Mode;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint runner itself, driven with a stand-in criu
 * (src/test/sh/fake-criu) so that it is proven before the real engines work.
 */
class ScenarioRunnerTest {
    private static final Path FAKE = ScenarioEnv.BASEDIR.resolve("src/test/sh/fake-criu");

    @Test
    void leaveRunningFlowPassesWithANoOpDump() throws Exception {
        ScenarioCheckpointTest.run("counter", Mode.LEAVE_RUNNING, FAKE);
        String log = Files.readString(ScenarioEnv.TARGET.resolve("ckpt/counter-leave-running/dump.log"));
        assertTrue(log.matches("(?s)fake-criu: dump -t \\d+ -D \\S+/ckpt/counter-leave-running -o dump.log -v4 --leave-running\\s*"),
                "criu arguments: " + log);
    }

    @Test
    void scenarioOptionsArePassed() throws Exception {
        ScenarioCheckpointTest.run("lock_ofd", Mode.LEAVE_RUNNING, FAKE);
        String log = Files.readString(ScenarioEnv.TARGET.resolve("ckpt/lock_ofd-leave-running/dump.log"));
        assertTrue(log.contains("--leave-running --file-locks"), "criu arguments: " + log);
    }

    @Test
    void aFailingCriuGivesLogsAndLeavesNothingBehind() throws Exception {
        AssertionError e = assertThrows(AssertionError.class,
                () -> ScenarioCheckpointTest.run("counter", Mode.PLAIN, FAKE));
        String msg = e.getMessage();
        assertTrue(msg.contains("criu dump exited 1"), msg);
        assertTrue(msg.contains("---- ") && msg.contains("fake criu: 'dump' is not supported"), "log tails: " + msg);
        assertTrue(msg.contains("counter[") && msg.contains("READY"), "scenario log: " + msg);
        Matcher m = Pattern.compile("counter\\[(\\d+)\\]: READY").matcher(msg);
        assertTrue(m.find(), msg);
        long pid = Long.parseLong(m.group(1));
        assertFalse(Procs.live(pid) && ScenarioEnv.BIN.resolve("counter").toString().equals(Procs.exe(pid)),
                "scenario " + pid + " left running");
    }
}
