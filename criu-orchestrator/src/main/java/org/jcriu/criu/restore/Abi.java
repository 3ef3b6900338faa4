package org.jcriu.criu.restore;

/**
 * The x86-64 kernel ABI numbers the restore's remote syscalls use: syscall
 * numbers, open/mmap/clone flags, prctl options. One place, so each stage
 * class reads as the calls it makes.
 */
final class Abi {
    private Abi() {}

    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000;
    static final int NR_read = 0, NR_write = 1, NR_close = 3, NR_lseek = 8, NR_mmap = 9, NR_mprotect = 10,
            NR_munmap = 11, NR_rt_sigaction = 13, NR_rt_sigprocmask = 14, NR_pread64 = 17, NR_mremap = 25,
            NR_madvise = 28, NR_dup2 = 33, NR_getitimer = 36, NR_setitimer = 38, NR_socketpair = 53, NR_exit = 60,
            NR_wait4 = 61, NR_kill = 62, NR_fcntl = 72, NR_flock = 73, NR_chdir = 80, NR_umask = 95, NR_setpgid = 109,
            NR_setsid = 112, NR_sigaltstack = 131, NR_personality = 135, NR_mlock = 149, NR_prctl = 157,
            NR_chroot = 161, NR_set_tid_address = 218, NR_exit_group = 231, NR_epoll_ctl = 233, NR_openat = 257,
            NR_set_robust_list = 273, NR_timerfd_create = 283, NR_timerfd_settime = 286, NR_signalfd4 = 289,
            NR_eventfd2 = 290, NR_epoll_create1 = 291, NR_dup3 = 292, NR_pipe2 = 293, NR_prlimit64 = 302,
            NR_memfd_create = 319, NR_rseq = 334, NR_pidfd_open = 434, NR_clone3 = 435, NR_close_range = 436,
            NR_pidfd_getfd = 438, NR_ftruncate = 77;
    static final long AT_FDCWD = -100;
    static final int O_ACCMODE = 3, O_NONBLOCK = 04000, O_CLOEXEC = 02000000, O_CREAT = 0100, O_EXCL = 0200,
            O_TRUNC = 01000;
    static final int PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
            MAP_GROWSDOWN = 0x100, MAP_NORESERVE = 0x4000, MAP_LOCKED = 0x2000;
    static final int MADV_DONTNEED = 4, MADV_DONTFORK = 10, MADV_WIPEONFORK = 18, MADV_POPULATE_WRITE = 23;
    static final long MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    static final int PR_SET_NAME = 15, PR_SET_MM = 35, PR_SET_MM_MAP = 14;
    static final int F_ADD_SEALS = 1033, F_SEAL_SEAL = 1, F_OFD_SETLK = 37, F_SETLK = 6;
    static final int WALL = 0x40000000;
}
