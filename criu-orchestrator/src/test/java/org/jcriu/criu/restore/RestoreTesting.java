package org.jcriu.criu.restore;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jcriu.criu.cli.CriuMain;

/** Helpers of the restore tests: dump and restore through the CLI entry, maps, reaping. */
final class RestoreTesting {
    private RestoreTesting() {}

    static int criu(String... args) {
        return CriuMain.run(args);
    }

    static String maps(int pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/maps"));
    }

    /** Kills a restored task (our child: the JVM is a subreaper after a restore) and reaps it. */
    static void killAndReap(int pid) {
        RestoreStubTest.killAndReap(pid);
    }

    /** Waits until /proc/PID is gone (a dumped task is reaped by init, slowly). */
    static void awaitPidFree(int pid) throws InterruptedException {
        for (int i = 0; i < 1000 && Files.exists(Path.of("/proc/" + pid)); i++) {
            try {
                org.jcriu.compel.sys.Wait.waitpid(pid, org.jcriu.compel.sys.Wait.__WALL | org.jcriu.compel.sys.Wait.WNOHANG);
            } catch (RuntimeException ignored) {
                // not ours
            }
            Thread.sleep(10);
        }
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "pid " + pid + " still taken");
    }

    /** Temp dirs our restore made and did not remove. */
    static List<Path> restoreTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("jcriu-restore")).collect(Collectors.toList());
        }
    }

    static String lastLine(Path log) throws IOException {
        List<String> l = Files.readAllLines(log);
        return l.isEmpty() ? "" : l.get(l.size() - 1);
    }
}
