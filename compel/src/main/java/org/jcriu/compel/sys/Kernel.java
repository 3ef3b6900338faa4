package org.jcriu.compel.sys;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The one native entry: glibc's {@code syscall(2)} through JNA direct mapping, and the one place
 * where a -1 return becomes an {@link ErrnoException} (errno read right at the call).
 */
public final class Kernel {
    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Kernel() {}

    private static native long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

    /**
     * Calls a system call and returns its raw result, -1 on failure with errno in {@link Errno#last()}.
     *
     * @param nr the syscall number (see {@link Syscalls})
     * @param a1 first argument
     * @param a2 second argument
     * @param a3 third argument
     * @param a4 fourth argument
     * @param a5 fifth argument
     * @param a6 sixth argument
     * @return the raw result
     */
    public static long raw(int nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return syscall(nr, a1, a2, a3, a4, a5, a6);
    }

    /**
     * Calls a system call and throws on failure.
     *
     * @param name the call's name for the exception, e.g. {@code "ptrace(PTRACE_SEIZE)"}
     * @param nr the syscall number
     * @param a1 first argument
     * @param a2 second argument
     * @param a3 third argument
     * @param a4 fourth argument
     * @param a5 fifth argument
     * @param a6 sixth argument
     * @return the non-negative result
     * @throws ErrnoException when the call returns -1
     */
    public static long call(String name, int nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        long r = syscall(nr, a1, a2, a3, a4, a5, a6);
        if (r == -1) {
            throw ErrnoException.of(name, Native.getLastError());
        }
        return r;
    }

    /** Like {@link #call} with three arguments. */
    static long call(String name, int nr, long a1, long a2, long a3) {
        return call(name, nr, a1, a2, a3, 0, 0, 0);
    }

    /**
     * @param buffer a direct buffer
     * @return the native address of its first byte (position ignored)
     */
    public static long address(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    }

    /**
     * @param address native memory address
     * @param size bytes
     * @return a direct buffer over that memory (no copy; the caller owns the memory)
     */
    public static ByteBuffer buffer(long address, long size) {
        return new Pointer(address).getByteBuffer(0, size).order(java.nio.ByteOrder.nativeOrder());
    }
}
