package org.jcriu.criu.dump;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.testing.Victim;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.PstreeEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads, process trees with groups, a zombie and a stopped task. */
class TreeTest {
    @TempDir Path dir;

    private static Map<Integer, PstreeEntry> pstree(Path dir) throws Exception {
        Map<Integer, PstreeEntry> m = new HashMap<>();
        for (byte[] e : Images.entries(dir.resolve("pstree.img"))) {
            PstreeEntry p = PstreeEntry.parseFrom(e);
            m.put(p.getPid(), p);
        }
        return m;
    }

    @Test
    void fourThreads() throws Exception {
        try (Victim v = Victim.start("threads", "4")) {
            List<Integer> tids = org.jcriu.criu.proc.ProcFs.threads(v.pid);
            assertEquals(4, tids.size());
            Dumper.dump(DumpOptions.of(v.pid, dir));
            assertTrue(v.awaitGone(5000));
            PstreeEntry p = pstree(dir).get(v.pid);
            assertEquals(4, p.getThreadsCount());
            assertEquals(v.pid, p.getThreads(0));
            for (int tid : tids) {
                CoreEntry c = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + tid + ".img")).get(0));
                assertEquals(tid == v.pid, c.hasTc(), "only the leader carries the task core");
                assertTrue(c.getThreadCore().getFutexRla() != 0, "robust list of " + tid);
                assertTrue(c.getThreadCore().hasRseqEntry());
                assertNotEquals(0, c.getThreadInfo().getGpregs().getFsBase());
            }
            Images.critDecodesAll(dir);
        }
    }

    @Test
    void treeWithGroupsZombieAndStoppedChild() throws Exception {
        try (Victim v = Victim.start("tree")) {
            String[] w = v.output().trim().split("\\s+");
            int a = Integer.parseInt(w[1]), z = Integer.parseInt(w[2]), s = Integer.parseInt(w[3]);
            DumpStats st = Dumper.dump(DumpOptions.of(v.pid, dir));
            assertTrue(v.awaitGone(5000));
            Map<Integer, PstreeEntry> m = pstree(dir);
            assertEquals(5, m.size(), "root, child, grandchild, zombie, stopped: " + m.keySet());
            assertEquals(0, m.get(v.pid).getPpid());
            assertEquals(v.pid, m.get(a).getPpid());
            assertEquals(a, m.get(a).getPgid());
            assertEquals(v.pid, m.get(a).getSid());
            CoreEntry zc = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + z + ".img")).get(0));
            assertEquals(2, zc.getTc().getTaskState(), "zombie: saved as TASK_DEAD, as CRIU does");
            assertEquals(7, (zc.getTc().getExitCode() >> 8) & 0xff);
            CoreEntry sc = CoreEntry.parseFrom(Images.entries(dir.resolve("core-" + s + ".img")).get(0));
            assertEquals(3, sc.getTc().getTaskState(), "stopped: TASK_STOPPED");
            int grandchild = m.values().stream().filter(p -> p.getPpid() == a).findFirst().orElseThrow().getPid();
            assertTrue(Files.exists(dir.resolve("core-" + grandchild + ".img")));
            for (int pid : m.keySet()) assertFalse(new java.io.File("/proc/" + pid + "/status").exists()
                    && Files.readString(Path.of("/proc/" + pid + "/stat")).contains(") S "), "task " + pid + " killed");
            Images.critDecodesAll(dir);
            assertTrue(Images.critX(dir, "ps").contains(Integer.toString(grandchild)));
        }
    }

    @Test
    void treeLeftRunningKeepsTheStoppedChildStopped() throws Exception {
        try (Victim v = Victim.start("tree")) {
            String[] w = v.output().trim().split("\\s+");
            int s = Integer.parseInt(w[3]);
            Dumper.dump(DumpOptions.of(v.pid, dir).leaveRunning(true));
            assertTrue(v.alive());
            assertFalse(v.traced());
            Thread.sleep(100);
            String st = Files.readString(Path.of("/proc/" + s + "/stat"));
            assertEquals('T', st.charAt(st.lastIndexOf(')') + 2), "still stopped");
        }
    }

    @Test
    void sessionLeaderOutsideTheTreeNeedsShellJob() throws Exception {
        try (Victim v = Victim.start("tree")) {
            String[] w = v.output().trim().split("\\s+");
            int a = Integer.parseInt(w[1]);
            DumpException e = assertThrows(DumpException.class, () -> Dumper.dump(DumpOptions.of(a, dir)));
            assertTrue(e.getMessage().contains("--shell-job"), e.getMessage());
            Dumper.dump(DumpOptions.of(a, dir).shellJob(true).leaveRunning(true));
            assertEquals(v.pid, pstree(dir).get(a).getSid());
        }
    }
}
