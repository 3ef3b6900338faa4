package org.jcriu.compel;

import org.jcriu.compel.sys.Ptrace;

/** How {@link Tracer#seize(int, SeizeOption...)} attaches, beyond stopping every thread. */
public enum SeizeOption {
    /**
     * PTRACE_O_SUSPEND_SECCOMP: the task's seccomp filters and strict mode do not apply to its
     * syscalls while it is traced, so remote syscalls and the parasite work in a confined task
     * (strict mode would kill it on the first other syscall; a filter may fail or kill). The
     * confinement is back as it was once the task is resumed, detached or killed. Needs
     * CAP_SYS_ADMIN, and the calling process must not be under seccomp itself (EPERM otherwise).
     */
    SUSPEND_SECCOMP(Ptrace.PTRACE_O_SUSPEND_SECCOMP);

    final int ptraceFlag;

    SeizeOption(int ptraceFlag) {
        this.ptraceFlag = ptraceFlag;
    }

    static int flags(SeizeOption... options) {
        int f = 0;
        for (SeizeOption o : options) {
            f |= o.ptraceFlag;
        }
        return f;
    }
}
