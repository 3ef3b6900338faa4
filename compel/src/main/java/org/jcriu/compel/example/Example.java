package org.jcriu.compel.example;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jcriu.compel.Compel;
import org.jcriu.compel.Parasite;
import org.jcriu.compel.Sigaction;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.UserRegs;

/**
 * compel's whole lifecycle on one task: seize, look, run a syscall inside, infect, ask the
 * parasite, cure, resume. Run: {@code java -cp compel-0.3.0-all.jar org.jcriu.compel.example.Example PID}
 * (as root, or as the task's owner with ptrace allowed).
 */
public final class Example {
    private Example() {}

    /**
     * @param args the pid of a task to look into
     */
    public static void main(String[] args) {
        int pid = Integer.parseInt(args[0]);
        // 1. stop every thread; try-with-resources resumes the task as found, whatever happens
        try (Tracee task = Compel.seize(pid, (level, msg) -> System.err.println(level + ": " + msg))) {
            // 2. registers of every thread
            for (TraceeThread th : task.threads()) {
                UserRegs r = th.getRegs();
                System.out.printf("thread %d: rip %#x rsp %#x in syscall %d%n", th.tid(), r.rip(), r.rsp(), r.origRax());
            }
            // 3. a syscall inside the task; pointer arguments go in the scratch area
            long buf = task.scratch();
            long rc = task.syscall("clock_gettime", 1 /* CLOCK_MONOTONIC */, buf);
            ByteBuffer ts = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            task.readMemory(buf, ts);
            System.out.printf("clock_gettime in the task: %d, %d s%n", rc, ts.getLong(0));
            // 4. the parasite: what only the task can see
            try (Parasite parasite = task.infect()) {
                for (Sigaction a : parasite.sigactions()) {
                    if (a.handler() != 0) {
                        System.out.printf("signal %d: handler %#x flags %#x%n", a.signo(), a.handler(), a.flags());
                    }
                }
                System.out.println("creds: " + parasite.creds());
                System.out.println("misc: " + parasite.misc());
            } // 5. cured: no mapping, fd or register change left
        } // 6. resumed
    }
}
