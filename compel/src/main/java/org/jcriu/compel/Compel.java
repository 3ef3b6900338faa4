package org.jcriu.compel;

/**
 * Entry point of compel: stop a task under ptrace, run syscalls and the parasite inside it, and
 * leave it as it was.
 * <pre>{@code
 * try (Tracee t = Compel.seize(pid)) {            // every thread stopped
 *     UserRegs r = t.leader().getRegs();
 *     long mypid = t.syscall("getpid");           // runs inside the task
 *     try (Parasite p = t.infect()) {             // code inside the task
 *         List<Sigaction> acts = p.sigactions();
 *     }                                           // cured: no trace left
 * }                                               // resumed as found
 * }</pre>
 */
public final class Compel {
    /** compel's version */
    public static final String VERSION = "0.3.0";

    private Compel() {}

    /**
     * A new tracer thread for one traced tree: every task seized through it shares the thread.
     *
     * @param log where messages go
     * @return the tracer; close it after resuming its tasks
     */
    public static Tracer tracer(Logger log) {
        return new Tracer("compel-tracer", log == null ? Logger.NONE : log);
    }

    /**
     * A tracer bound to the calling thread: compel's work runs inline, without handing it to a
     * thread of its own (saves a thread wake-up per call), and only this thread may use it or
     * the tasks seized through it. Closing it does nothing more than mark it closed.
     *
     * @param log where messages go
     * @return the tracer
     */
    public static Tracer tracerOnThisThread(Logger log) {
        return new Tracer(Thread.currentThread(), log == null ? Logger.NONE : log);
    }

    /** A tracer that logs nothing. */
    public static Tracer tracer() {
        return tracer(Logger.NONE);
    }

    /**
     * Seizes task {@code pid} and all its threads with a tracer of its own, stopped when the
     * task is resumed, detached or killed.
     *
     * @return the stopped task
     * @throws org.jcriu.compel.sys.NoSuchProcessException no such task
     * @throws org.jcriu.compel.sys.PermissionDeniedException not allowed, or traced by someone else
     */
    public static Tracee seize(int pid) {
        return seize(pid, Logger.NONE);
    }

    /** Like {@link #seize(int)} with a logger and {@link SeizeOption}s. */
    public static Tracee seize(int pid, Logger log, SeizeOption... options) {
        Tracer t = tracer(log);
        try {
            return t.call(() -> Tracee.seize(t, pid, true, options));
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }
}
