package org.jcriu.criu.dump;

/**
 * Failure injection for tests: the stage named by the system property
 * {@code jcriu.dump.fault} or the environment variable {@code JCRIU_DUMP_FAULT}
 * fails as if the kernel had refused, so tests can check that every stage
 * leaves the tree running and unchanged. A stage name followed by ":hang"
 * sleeps there instead (for kill -9 tests).
 */
final class Fault {
    private Fault() {}

    /** The stages, in dump order. */
    static final String[] STAGES = {"freeze", "collect", "regs", "parasite", "files", "memory", "images", "finish"};

    static void at(String stage) throws DumpException {
        String f = System.getProperty("jcriu.dump.fault");
        if (f == null) f = System.getenv("JCRIU_DUMP_FAULT");
        if (f == null) return;
        if (f.equals(stage)) throw new DumpException("injected failure at stage " + stage);
        if (f.equals(stage + ":hang")) {
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
