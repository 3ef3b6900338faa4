package org.jcriu.criu.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jcriu.compel.sys.Wait;
import org.jcriu.criu.testing.Victim;
import org.jcriu.images.proto.CriuOpts;
import org.jcriu.images.proto.CriuReq;
import org.jcriu.images.proto.CriuReqType;
import org.jcriu.images.proto.CriuResp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** criu swrk driven the way runc drives it: a real client process, a real socket, real dumps. */
class SwrkServiceTest {
    private static final int IMAGES_FD = 10;

    @TempDir
    Path images;

    /** Runs swrk-client with the requests; returns the responses and, last, the server's exit code. */
    private List<Object> exchange(CriuReq... reqs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Victim.binary("swrk-client").toString());
        cmd.add(images.toString());
        for (CriuReq r : reqs) cmd.add(HexFormat.of().formatHex(r.toByteArray()));
        cmd.add("--");
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                "org.jcriu.criu.cli.CriuMain", "swrk", "3"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor(), out);
        List<Object> res = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            if (line.startsWith("exit ")) res.add(Integer.parseInt(line.substring(5)));
            else if (!line.equals("closed")) res.add(CriuResp.parseFrom(HexFormat.of().parseHex(line)));
        }
        return res;
    }

    private static CriuOpts.Builder opts() {
        return CriuOpts.newBuilder().setImagesDirFd(IMAGES_FD).setLogLevel(4).setLogFile("rpc.log");
    }

    /**
     * A killed victim stays a zombie, keeping its pid, until its parent reaps it:
     * init (slowly), or this JVM when an in-process restore made it a subreaper.
     */
    private static void awaitPidFree(int pid) throws InterruptedException {
        Path proc = Path.of("/proc", Integer.toString(pid));
        for (int i = 0; i < 1000 && Files.exists(proc); i++) {
            if (parentOf(pid) == ProcessHandle.current().pid()) {
                try {
                    Wait.waitpid(pid, Wait.WNOHANG | Wait.__WALL);
                } catch (Exception reapedMeanwhile) {
                    // ECHILD: someone else reaped it first
                }
            }
            Thread.sleep(10);
        }
        assertFalse(Files.exists(proc), "pid " + pid + " was not reaped");
    }

    private static long parentOf(int pid) {
        try {
            String st = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            return Long.parseLong(st.substring(st.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Test
    void versionAndFeaturesThenHangUp() throws Exception {
        List<Object> r = exchange(CriuReq.newBuilder().setType(CriuReqType.VERSION).build(),
                CriuReq.newBuilder().setType(CriuReqType.FEATURE_CHECK).build());
        CriuResp v = (CriuResp) r.get(0);
        assertTrue(v.getSuccess());
        assertEquals(CriuReqType.VERSION, v.getType());
        assertEquals(4, v.getVersion().getMajorNumber());
        CriuResp f = (CriuResp) r.get(1);
        assertTrue(f.getSuccess());
        assertFalse(f.getFeatures().getLazyPages());
        assertEquals(0, r.get(2));
    }

    @Test
    void unsupportedRequestIsRefusedWithAMessage() throws Exception {
        List<Object> r = exchange(CriuReq.newBuilder().setType(CriuReqType.PAGE_SERVER).setOpts(opts()).build());
        CriuResp resp = (CriuResp) r.get(0);
        assertFalse(resp.getSuccess());
        assertTrue(resp.getCrErrmsg().contains("PAGE_SERVER"), resp.getCrErrmsg());
    }

    @Test
    void dumpLeaveRunningThenRestoreOverRpc() throws Exception {
        try (Victim v = Victim.start("counter")) {
            v.awaitOutput("ready", 10_000);
            List<Object> r = exchange(CriuReq.newBuilder().setType(CriuReqType.DUMP)
                    .setOpts(opts().setPid(v.pid).setLeaveRunning(true)).build());
            CriuResp d = (CriuResp) r.get(0);
            assertTrue(d.getSuccess(), d.getCrErrmsg());
            assertEquals(0, r.get(1));
            assertTrue(Files.exists(images.resolve("inventory.img")));
            assertTrue(Files.exists(images.resolve("core-" + v.pid + ".img")));
            assertTrue(v.alive(), "leave_running must leave the victim running");
            assertTrue(Files.readString(images.resolve("rpc.log")).contains("Dumping finished successfully"));

            Process kill = new ProcessBuilder("kill", "-9", Integer.toString(v.pid)).start();
            assertEquals(0, kill.waitFor());
            assertTrue(v.awaitGone(10_000));
            awaitPidFree(v.pid);
            List<Object> rr = exchange(CriuReq.newBuilder().setType(CriuReqType.RESTORE).setOpts(opts()).build());
            CriuResp rs = (CriuResp) rr.get(0);
            assertTrue(rs.getSuccess(), rs.getCrErrmsg());
            assertEquals(v.pid, rs.getRestore().getPid());
            assertTrue(v.alive(), "the restored task runs");
            String before = v.output();
            Thread.sleep(300);
            assertTrue(v.output().length() > before.length(), "the restored counter goes on counting");
        }
    }
}
