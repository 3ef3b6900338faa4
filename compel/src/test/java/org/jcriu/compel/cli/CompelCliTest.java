package org.jcriu.compel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import org.jcriu.compel.Compel;
import org.jcriu.compel.Tracee;
import org.junit.jupiter.api.Test;

class CompelCliTest {
    /** exit code, stdout, stderr */
    private static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int rc = CompelCli.run(args);
            return new String[] {Integer.toString(rc), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** The test victims live in the parent package's test helper. */
    private static Object victim(String mode) throws Exception {
        Class<?> c = Class.forName("org.jcriu.compel.Victim");
        Method start = c.getDeclaredMethod("start", String[].class);
        start.setAccessible(true);
        return start.invoke(null, (Object) new String[] {mode});
    }

    private static int pid(Object v) throws Exception {
        java.lang.reflect.Field f = v.getClass().getDeclaredField("pid");
        f.setAccessible(true);
        return f.getInt(v);
    }

    private static String call(Object v, String m) throws Exception {
        Method x = v.getClass().getDeclaredMethod(m);
        x.setAccessible(true);
        return String.valueOf(x.invoke(v));
    }

    @Test
    void actionsLeaveTheTaskAsItWas() throws Exception {
        Object v = victim("signals");
        try {
            int pid = pid(v);
            String before = call(v, "snapshot");
            String[] r = run("syscall", "-t", Integer.toString(pid), "getpid");
            assertEquals("0", r[0], r[2]);
            assertEquals(pid + "\n", r[1]);
            r = run("syscall", "-t", Integer.toString(pid), "open", "/nonexistent", "0");
            assertEquals("-2 (No such file or directory)\n", r[1]);
            r = run("regs", "-t", Integer.toString(pid));
            assertEquals("0", r[0], r[2]);
            assertTrue(r[1].contains("orig_rax"), r[1]);
            r = run("fds", "-t", Integer.toString(pid));
            assertEquals("0", r[0], r[2]);
            assertTrue(r[1].startsWith("0\tdevice\t/dev/null"), r[1]);
            r = run("sigactions", "-t", Integer.toString(pid));
            assertEquals("0", r[0], r[2]);
            assertTrue(r[1].contains("SIGUSR1"), r[1]);
            r = run("creds", "-t", Integer.toString(pid));
            assertEquals("0", r[0], r[2]);
            assertTrue(r[1].startsWith("uid "), r[1]);
            assertEquals(before, call(v, "snapshot"));
            Thread.sleep(400);
            assertTrue(call(v, "terminate").contains("PASS"));
        } finally {
            ((AutoCloseable) v).close();
        }
    }

    /** --suspend-seccomp: a strict-mode task answers getppid and the parasite, and lives on. */
    @Test
    void suspendSeccompOnAStrictModeTask() throws Exception {
        Object v = victim("strict");
        try {
            int pid = pid(v);
            String[] r = run("syscall", "--suspend-seccomp", "-t", Integer.toString(pid), "getppid");
            assertEquals("0", r[0], r[2]);
            assertTrue(Integer.parseInt(r[1].trim()) > 0, r[1]);
            r = run("creds", "--suspend-seccomp", "-t", Integer.toString(pid));
            assertEquals("0", r[0], r[2]);
            assertTrue(call(v, "terminate").contains("PASS strict"));
        } finally {
            ((AutoCloseable) v).close();
        }
    }

    @Test
    void errorsAreOneLineAndExitOne() throws Exception {
        String[] r = run("regs", "-t", "1073741800");
        assertEquals("1", r[0]);
        assertTrue(r[2].startsWith("Error: ") && r[2].trim().split("\n").length == 1, r[2]);
        r = run("syscall", "-t", "1073741800", "nosuchcall");
        assertEquals("1", r[0]);
        r = run("regs", "-t", "abc");
        assertEquals("1", r[0]);
        assertEquals(1, r[2].trim().split("\n").length, r[2]);
        Object v = victim("nanosleep");
        try (Tracee t = Compel.seize(pid(v))) {
            r = run("creds", "-t", Integer.toString(pid(v)));
            assertEquals("1", r[0]);
            assertTrue(r[2].contains("already traced by"), r[2]);
            assertEquals(pid(v), t.syscall("getpid"));
        } finally {
            ((AutoCloseable) v).close();
        }
    }
}
