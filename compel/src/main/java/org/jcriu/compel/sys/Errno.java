package org.jcriu.compel.sys;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/** errno values (asm-generic/errno-base.h, errno.h) and their text. */
public final class Errno {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    /** Operation not permitted */
    public static final int EPERM = 1;
    /** No such file or directory */
    public static final int ENOENT = 2;
    /** No such process */
    public static final int ESRCH = 3;
    /** Interrupted system call */
    public static final int EINTR = 4;
    /** I/O error */
    public static final int EIO = 5;
    /** Bad file number */
    public static final int EBADF = 9;
    /** No child processes */
    public static final int ECHILD = 10;
    /** Try again */
    public static final int EAGAIN = 11;
    /** Out of memory */
    public static final int ENOMEM = 12;
    /** Permission denied */
    public static final int EACCES = 13;
    /** Bad address */
    public static final int EFAULT = 14;
    /** Device or resource busy */
    public static final int EBUSY = 16;
    /** File exists */
    public static final int EEXIST = 17;
    /** Invalid argument */
    public static final int EINVAL = 22;
    /** Broken pipe */
    public static final int EPIPE = 32;
    /** Function not implemented */
    public static final int ENOSYS = 38;
    /** Interrupted syscall to be restarted (kernel internal, seen in rax of a stopped task) */
    public static final int ERESTARTSYS = 512;
    /** Restart always, even after a handler ran (kernel internal) */
    public static final int ERESTARTNOINTR = 513;
    /** Restart if no handler ran (kernel internal) */
    public static final int ERESTARTNOHAND = 514;
    /** Restart by restart_syscall (kernel internal) */
    public static final int ERESTART_RESTARTBLOCK = 516;

    private Errno() {}

    private static native String strerror(int errnum);

    /**
     * @param errno a positive errno
     * @return its text, as strerror(3) gives it
     */
    public static String text(int errno) {
        switch (errno) {
            case ERESTARTSYS: return "ERESTARTSYS";
            case ERESTARTNOINTR: return "ERESTARTNOINTR";
            case ERESTARTNOHAND: return "ERESTARTNOHAND";
            case ERESTART_RESTARTBLOCK: return "ERESTART_RESTARTBLOCK";
            default: return strerror(errno);
        }
    }

    /** @return the calling thread's errno as left by its last native call through JNA */
    public static int last() {
        return Native.getLastError();
    }
}
