package org.jcriu.compel.sys;

import com.sun.jna.Memory;

/**
 * process_vm_readv(2) / process_vm_writev(2): copy between this process and another one's
 * memory in one call, without stopping it. Fails with EFAULT on unmapped or (for writes)
 * non-writable remote pages.
 */
public final class ProcessVm {
    private ProcessVm() {}

    private static final ThreadLocal<Memory> IOV = ThreadLocal.withInitial(() -> new Memory(32));

    /**
     * Reads {@code len} bytes at {@code remote} in {@code pid} into local memory.
     *
     * @return bytes read (may be short at the end of a mapping)
     */
    public static long readv(int pid, long local, long len, long remote) {
        Memory iov = IOV.get();
        iov.setLong(0, local);
        iov.setLong(8, len);
        iov.setLong(16, remote);
        iov.setLong(24, len);
        return Kernel.call("process_vm_readv", Syscalls.PROCESS_VM_READV, pid, com.sun.jna.Pointer.nativeValue(iov), 1, com.sun.jna.Pointer.nativeValue(iov) + 16, 1, 0);
    }

    /**
     * Writes {@code len} bytes of local memory to {@code remote} in {@code pid}.
     *
     * @return bytes written
     */
    public static long writev(int pid, long local, long len, long remote) {
        Memory iov = IOV.get();
        iov.setLong(0, local);
        iov.setLong(8, len);
        iov.setLong(16, remote);
        iov.setLong(24, len);
        return Kernel.call("process_vm_writev", Syscalls.PROCESS_VM_WRITEV, pid, com.sun.jna.Pointer.nativeValue(iov), 1, com.sun.jna.Pointer.nativeValue(iov) + 16, 1, 0);
    }

    /** The vectored form: {@code lvec}/{@code rvec} are native iovec arrays. @return bytes read */
    public static long readv(int pid, long lvec, int lcnt, long rvec, int rcnt) {
        return Kernel.call("process_vm_readv", Syscalls.PROCESS_VM_READV, pid, lvec, lcnt, rvec, rcnt, 0);
    }

    /** The vectored form of {@link #writev(int, long, long, long)}. @return bytes written */
    public static long writev(int pid, long lvec, int lcnt, long rvec, int rcnt) {
        return Kernel.call("process_vm_writev", Syscalls.PROCESS_VM_WRITEV, pid, lvec, lcnt, rvec, rcnt, 0);
    }
}
