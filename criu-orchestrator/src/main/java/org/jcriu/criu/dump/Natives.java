package org.jcriu.criu.dump;

import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Trace;

/** Loads the native bindings before the tree is frozen, so their start-up cost is not frozen time. */
final class Natives {
    private Natives() {}

    static void warmUp() {
        try {
            Trace.kcmp((int) ProcessHandle.current().pid(), (int) ProcessHandle.current().pid(), Trace.KCMP_VM, 0, 0);
        } catch (Errno e) {
            // only the loading matters
        }
        Clock.now(1);
    }
}
