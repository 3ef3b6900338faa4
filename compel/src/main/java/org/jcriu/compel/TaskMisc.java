package org.jcriu.compel;

/**
 * Per-process odds and ends read inside the task.
 *
 * @param personality personality(0xffffffff)
 * @param umask the file mode creation mask
 * @param comm PR_GET_NAME
 * @param pdeathSignal PR_GET_PDEATHSIG
 * @param dumpable PR_GET_DUMPABLE
 * @param pid getpid
 * @param tid gettid of the thread running the parasite
 * @param ppid getppid
 * @param sid getsid(0)
 * @param pgid getpgid(0)
 * @param childSubreaper PR_GET_CHILD_SUBREAPER
 * @param timerslackNs PR_GET_TIMERSLACK
 * @param thpDisable PR_GET_THP_DISABLE
 */
public record TaskMisc(int personality, int umask, String comm, int pdeathSignal, int dumpable, int pid,
        int tid, int ppid, int sid, int pgid, boolean childSubreaper, long timerslackNs, boolean thpDisable) {
}
