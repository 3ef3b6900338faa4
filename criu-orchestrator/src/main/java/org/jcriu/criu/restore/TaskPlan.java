package org.jcriu.criu.restore;

import java.util.ArrayList;
import java.util.List;
import org.jcriu.images.proto.CoreEntry;
import org.jcriu.images.proto.FileEntry;

/**
 * Everything read from the images for one task of the tree, validated, in
 * plain values: its place in the tree, per-thread cores, vmas, pagemap, fds
 * and fs. Built by {@link RestorePlan}; the restore reads, never changes it.
 */
final class TaskPlan {
    static final int TASK_ALIVE = 1, TASK_DEAD = 2, TASK_STOPPED = 3, TASK_ZOMBIE = 6;

    int pid, ppid, pgid, sid;
    int[] threads;
    /** core-TID.img of each thread, same order as {@link #threads}. */
    List<CoreEntry> cores = new ArrayList<>();
    int state;
    int exitCode;
    TaskPlan parent;
    final List<TaskPlan> children = new ArrayList<>();

    // mm
    final List<VmaPlan> vmas = new ArrayList<>();
    long[] mmFields = new long[11];
    long[] auxv = new long[0];
    String exePath;
    /** memfd inodes this task maps or holds, in order of first use. */
    final java.util.Set<Long> memfds = new java.util.LinkedHashSet<>();
    boolean thpDisabled;
    int dumpable = -1;
    int oomScoreAdj;
    // pagemap
    int pagesId;
    final List<long[]> pagemap = new ArrayList<>(); // {vaddr, nrPages, offsetInPagesImage, pagesId, shmid or -1}
    // fds and fs
    final List<FdPlan> fds = new ArrayList<>();
    String cwd;
    String root;
    int umask = 022;

    /** One vma as saved (start, end, pgoff, prot, flags, status, madv) plus its backing file, if any. */
    record VmaPlan(long start, long end, long pgoff, int prot, int flags, long status, long madv, long shmid, String path) {
        static final long REGULAR = 1, STACK = 2, VSYSCALL = 4, VDSO = 8, HEAP = 32, FILE_PRIVATE = 64,
                FILE_SHARED = 128, ANON_SHARED = 256, ANON_PRIVATE = 512, SYSVIPC = 1024, SOCKET = 2048,
                VVAR = 4096, AIORING = 8192, MEMFD = 1 << 14;

        boolean is(long bit) {
            return (status & bit) != 0;
        }

        long len() {
            return end - start;
        }
    }

    /** One fd: its number, FD_CLOEXEC, and the file it refers to (files.img entry). */
    record FdPlan(int fd, boolean cloexec, int type, long fileId, FileEntry file) {}

    /** The leader's task_core (process-wide state), or null when the image has none. */
    org.jcriu.images.proto.TaskCoreEntry taskCore() {
        return cores.get(0).hasTc() ? cores.get(0).getTc() : null;
    }

    boolean zombie() {
        return state == TASK_ZOMBIE;
    }
}
