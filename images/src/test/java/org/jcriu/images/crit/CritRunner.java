package org.jcriu.images.crit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs crit in-process and captures its output. */
public final class CritRunner {
    /** Exit code, stdout bytes and stderr text of one run. */
    public record Result(int rc, byte[] out, String err) {
        /** @return stdout as text */
        public String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private CritRunner() {
    }

    /** Runs crit with these arguments. */
    public static synchronized Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            rc = Crit.run(args, o, e);
        }
        return new Result(rc, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
