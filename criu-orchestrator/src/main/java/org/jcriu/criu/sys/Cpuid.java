package org.jcriu.criu.sys;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * The CPUID instruction, for the xsave layout (leaf 0xD: each state component's
 * offset and size in the standard format differ between CPU vendors). Runs a
 * 30-byte routine from an executable mapping of our own.
 */
public final class Cpuid {
    private static final byte[] CODE = {
        0x53,                               // push rbx
        (byte) 0x89, (byte) 0xf8,           // mov eax, edi
        (byte) 0x89, (byte) 0xf1,           // mov ecx, esi
        0x49, (byte) 0x89, (byte) 0xd0,     // mov r8, rdx
        0x0f, (byte) 0xa2,                  // cpuid
        0x41, (byte) 0x89, 0x00,            // mov [r8], eax
        0x41, (byte) 0x89, 0x58, 0x04,      // mov [r8+4], ebx
        0x41, (byte) 0x89, 0x48, 0x08,      // mov [r8+8], ecx
        0x41, (byte) 0x89, 0x50, 0x0c,      // mov [r8+12], edx
        0x5b,                               // pop rbx
        (byte) 0xc3                         // ret
    };
    private static Function fn;

    private Cpuid() {}

    private static synchronized Function fn() throws Errno {
        if (fn == null) {
            // mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
            long a = LibC.sys("mmap", 9, 0, 4096, 7, 0x22, -1, 0);
            Pointer p = new Pointer(a);
            p.write(0, CODE, 0, CODE.length);
            fn = Function.getFunction(p);
        }
        return fn;
    }

    /** {eax, ebx, ecx, edx} of CPUID(leaf, subleaf). */
    public static int[] cpuid(int leaf, int subleaf) throws Errno {
        Memory out = new Memory(16);
        out.clear();
        fn().invokeVoid(new Object[] {leaf, subleaf, out});
        return new int[] {out.getInt(0), out.getInt(4), out.getInt(8), out.getInt(12)};
    }

    /** Offset of xsave state component i (2..63) in the standard (non-compacted) format, 0 if unknown. */
    public static int xstateOffset(int component) {
        try {
            return cpuid(0xd, component)[1];
        } catch (Errno | RuntimeException e) {
            return 0;
        }
    }

    /** Features the CPU can keep in xsave (CPUID 0xD.0 EDX:EAX). */
    public static long xstateSupported() {
        try {
            int[] r = cpuid(0xd, 0);
            return (r[0] & 0xffffffffL) | ((long) r[3] << 32);
        } catch (Errno | RuntimeException e) {
            return 0;
        }
    }
}
