package org.jcriu.criu.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * process_vm_readv(2) from a task's memory into native memory of ours (a direct
 * ByteBuffer or a mapping of the image file), in one call for many remote ranges.
 */
public final class ProcessMem {
    private static final int NR_PROCESS_VM_READV = 310;
    /** The kernel's limit on iovecs per call. */
    public static final int IOV_MAX = 1024;

    private final Memory liov = new Memory(16);
    private final Memory riov = new Memory(16L * IOV_MAX);

    /**
     * Reads the remote ranges (addr[i], len[i]) for i in [from, to) into local memory at
     * {@code local}, back to back. Returns the bytes read (may be short if a page vanished).
     */
    public long readv(int pid, long local, long[] addr, long[] len, int from, int to) throws Errno {
        long total = 0;
        int n = to - from;
        if (n > IOV_MAX) throw new IllegalArgumentException("more than IOV_MAX ranges");
        for (int i = 0; i < n; i++) {
            riov.setLong(16L * i, addr[from + i]);
            riov.setLong(16L * i + 8, len[from + i]);
            total += len[from + i];
        }
        liov.setLong(0, local);
        liov.setLong(8, total);
        return LibC.sys("process_vm_readv", NR_PROCESS_VM_READV, pid, Pointer.nativeValue(liov), 1,
                Pointer.nativeValue(riov), n, 0);
    }
}
