package org.jcriu.compel.sys;

/** linux/prctl.h: options of prctl(2) that checkpoint/restore reads or sets. */
public final class Prctl {
    private Prctl() {}

    public static final int PR_SET_PDEATHSIG = 1;
    public static final int PR_GET_PDEATHSIG = 2;
    public static final int PR_GET_DUMPABLE = 3;
    public static final int PR_SET_DUMPABLE = 4;
    public static final int PR_GET_KEEPCAPS = 7;
    public static final int PR_SET_KEEPCAPS = 8;
    public static final int PR_SET_NAME = 15;
    public static final int PR_GET_NAME = 16;
    public static final int PR_GET_SECCOMP = 21;
    public static final int PR_CAPBSET_READ = 23;
    public static final int PR_CAPBSET_DROP = 24;
    public static final int PR_GET_SECUREBITS = 27;
    public static final int PR_SET_SECUREBITS = 28;
    public static final int PR_GET_TIMERSLACK = 30;
    public static final int PR_SET_MM = 35;
    public static final int PR_SET_CHILD_SUBREAPER = 36;
    public static final int PR_GET_CHILD_SUBREAPER = 37;
    public static final int PR_SET_NO_NEW_PRIVS = 38;
    public static final int PR_GET_NO_NEW_PRIVS = 39;
    public static final int PR_GET_TID_ADDRESS = 40;
    public static final int PR_SET_THP_DISABLE = 41;
    public static final int PR_GET_THP_DISABLE = 42;
    public static final int PR_CAP_AMBIENT = 47;
    public static final int PR_CAP_AMBIENT_IS_SET = 1;
    public static final int PR_CAP_AMBIENT_RAISE = 2;

    /** PR_SET_MM sub-options */
    public static final int PR_SET_MM_EXE_FILE = 13;
    public static final int PR_SET_MM_MAP = 14;
    public static final int PR_SET_MM_MAP_SIZE = 15;

    /** prctl(option, a2, a3, a4, a5) in this process. @return its result */
    public static long prctl(int option, long a2, long a3, long a4, long a5) {
        return Kernel.call("prctl", Syscalls.PRCTL, option, a2, a3, a4, a5, 0);
    }
}
