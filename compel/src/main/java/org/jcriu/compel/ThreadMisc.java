package org.jcriu.compel;

/**
 * Per-thread state read inside the task.
 *
 * @param tid the thread
 * @param altstackSp sigaltstack ss_sp
 * @param altstackFlags sigaltstack ss_flags (SS_DISABLE = 2, SS_ONSTACK = 1, SS_AUTODISARM bit 31)
 * @param altstackSize sigaltstack ss_size
 * @param clearTid the clear_child_tid address (set_tid_address), PR_GET_TID_ADDRESS
 */
public record ThreadMisc(int tid, long altstackSp, int altstackFlags, long altstackSize, long clearTid) {
}
