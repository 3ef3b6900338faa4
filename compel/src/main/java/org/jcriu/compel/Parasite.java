package org.jcriu.compel;

/** The parasite running inside an infected task. */
public final class Parasite implements AutoCloseable {
    static Parasite infect(Tracee t, TraceeThread leader) {
        throw new CompelException("parasite not built yet");
    }

    /** Removes every trace of the parasite. Idempotent. */
    public void cure() {
    }

    @Override
    public void close() {
        cure();
    }
}
