package org.jcriu.compel.sys;

import java.nio.charset.StandardCharsets;
import com.sun.jna.Memory;

/** sys/mman.h: mmap, munmap, memfd_create and their flags. */
public final class Mman {
    private Mman() {}

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;

    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_GROWSDOWN = 0x100;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x8000;
    public static final int MAP_FIXED_NOREPLACE = 0x100000;

    /** memfd_create: close on exec */
    public static final int MFD_CLOEXEC = 1;
    public static final int MFD_ALLOW_SEALING = 2;

    public static final int MADV_DONTNEED = 4;
    public static final int MADV_HUGEPAGE = 14;

    /** mmap(addr, len, prot, flags, fd, off) in this process. @return the address */
    public static long mmap(long addr, long len, int prot, int flags, int fd, long off) {
        return Kernel.call("mmap", Syscalls.MMAP, addr, len, prot, flags, fd, off);
    }

    /** munmap(addr, len) in this process. */
    public static void munmap(long addr, long len) {
        Kernel.call("munmap", Syscalls.MUNMAP, addr, len, 0);
    }

    /** memfd_create(name, flags) in this process. @return the fd */
    public static int memfdCreate(String name, int flags) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(b.length + 1);
        m.write(0, b, 0, b.length);
        m.setByte(b.length, (byte) 0);
        return (int) Kernel.call("memfd_create", Syscalls.MEMFD_CREATE, com.sun.jna.Pointer.nativeValue(m), flags, 0);
    }
}
