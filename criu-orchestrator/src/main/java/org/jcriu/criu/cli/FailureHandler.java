package org.jcriu.criu.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns any failure of an action into one line on stderr and exit code 1.
 * The stack trace is printed only at -v4 (debug), as the user asked for it.
 */
final class FailureHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult pr) {
        return report(ex, cl.getCommand(), cl.getErr());
    }

    /** Reports a failed action the one way both parsers use; returns the exit code. */
    static int report(Exception ex, Object cmd, PrintWriter err) {
        boolean verbose = cmd instanceof CommonOptions.Holder h && h.common().verbosity() >= 4;
        err.println("Error: " + describe(ex));
        if (verbose) ex.printStackTrace(err);
        err.flush();
        return 1;
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
