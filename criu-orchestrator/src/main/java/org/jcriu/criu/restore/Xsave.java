package org.jcriu.criu.restore;

import java.nio.ByteBuffer;
import java.util.List;
import org.jcriu.images.proto.UserX86FpregsEntry;
import org.jcriu.images.proto.UserX86XsaveEntry;

/**
 * Builds the NT_X86_XSTATE buffer (standard, non-compacted XSAVE layout, as
 * ptrace takes it) from a core image's user_x86_fpregs_entry. Components go
 * at the offsets CPUID leaf 0xD gives on this CPU (AMD and Intel differ past
 * AVX); xstate_bv keeps only components the CPU supports and the kernel's
 * buffer holds.
 */
final class Xsave {
    private Xsave() {}

    /** Fills buf (the task's current xstate, little-endian) with the saved state. */
    static void fill(ByteBuffer buf, UserX86FpregsEntry fp) {
        long len = buf.capacity();
        buf.putShort(0, (short) fp.getCwd());
        buf.putShort(2, (short) fp.getSwd());
        buf.putShort(4, (short) fp.getTwd());
        buf.putShort(6, (short) fp.getFop());
        buf.putLong(8, fp.getRip());
        buf.putLong(16, fp.getRdp());
        buf.putInt(24, fp.getMxcsr());
        buf.putInt(28, fp.getMxcsrMask());
        ints(buf, 32, fp.getStSpaceList(), 32);
        ints(buf, 160, fp.getXmmSpaceList(), 64);
        long supported = buf.getInt(464) == 0x46505853 ? buf.getLong(472) : org.jcriu.criu.sys.Cpuid.xstateSupported();
        UserX86XsaveEntry xs = fp.hasXsave() ? fp.getXsave() : null;
        if (xs == null || len < 576) {
            if (len >= 576) {
                buf.putLong(512, buf.getLong(512) | 3);
            }
            return;
        }
        long bv = xs.getXstateBv() & (supported == 0 ? 3 : supported);
        // components at the offsets this CPU uses (CPUID 0xD; they differ between vendors)
        bv = place(buf, len, bv, 2, xs.getYmmhSpaceList(), 4, 64);
        bv = place(buf, len, bv, 3, xs.getBndregStateList(), 8, 8);
        bv = place(buf, len, bv, 4, xs.getBndcsrStateList(), 8, 2);
        bv = place(buf, len, bv, 5, xs.getOpmaskRegList(), 8, 8);
        bv = place(buf, len, bv, 6, xs.getZmmUpperList(), 8, 64);
        bv = place(buf, len, bv, 7, xs.getHi16ZmmList(), 8, 128);
        bv = place(buf, len, bv, 9, xs.getPkruList(), 4, 2);
        buf.putLong(512, bv & ~((1L << 8) | (1L << 10) | (1L << 11) | (1L << 12) | (1L << 13) | (1L << 14) | (1L << 15) | (1L << 16)
                | (1L << 17) | (1L << 18)) | (bv & 3));
        buf.putLong(520, 0);
    }

    /** Writes one component where CPUID says it lives; drops its bit if it does not fit the buffer. */
    private static long place(ByteBuffer buf, long len, long bv, int comp, List<? extends Number> v, int width, int count) {
        if ((bv & (1L << comp)) == 0) return bv;
        int off = org.jcriu.criu.sys.Cpuid.xstateOffset(comp);
        if (off < 576 || off + (long) width * count > len) return bv & ~(1L << comp);
        if (width == 4) ints(buf, off, v, count);
        else longs(buf, off, v, count);
        return bv;
    }

    private static void ints(ByteBuffer b, int off, List<? extends Number> v, int max) {
        for (int i = 0; i < Math.min(v.size(), max); i++) b.putInt(off + 4 * i, v.get(i).intValue());
    }

    private static void longs(ByteBuffer b, int off, List<? extends Number> v, int max) {
        for (int i = 0; i < Math.min(v.size(), max); i++) b.putLong(off + 8 * i, v.get(i).longValue());
    }
}
