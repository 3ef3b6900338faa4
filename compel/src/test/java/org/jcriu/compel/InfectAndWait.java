package org.jcriu.compel;

/** Child JVM for the kill -9 test: seizes and infects PID, says "infected", then waits forever. */
public final class InfectAndWait {
    private InfectAndWait() {}

    public static void main(String[] args) throws Exception {
        Tracee t = Compel.seize(Integer.parseInt(args[0]));
        Parasite p = t.infect();
        p.ping();
        System.out.println("infected");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
