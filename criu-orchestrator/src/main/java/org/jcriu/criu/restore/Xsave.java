package org.jcriu.criu.restore;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;

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
    static void fill(ByteBuffer buf, ProtoMsg fp) throws InvalidProtocolBufferException {
        long len = buf.capacity();
        buf.putShort(0, (short) fp.u64(1));
        buf.putShort(2, (short) fp.u64(2));
        buf.putShort(4, (short) fp.u64(3));
        buf.putShort(6, (short) fp.u64(4));
        buf.putLong(8, fp.u64(5));
        buf.putLong(16, fp.u64(6));
        buf.putInt(24, (int) fp.u64(7));
        buf.putInt(28, (int) fp.u64(8));
        ints(buf, 32, fp.u64s(9), 32);
        ints(buf, 160, fp.u64s(10), 64);
        long supported = buf.getInt(464) == 0x46505853 ? buf.getLong(472) : org.jcriu.criu.sys.Cpuid.xstateSupported();
        ProtoMsg xs = fp.msg(13);
        if (xs == null || len < 576) {
            if (len >= 576) {
                buf.putLong(512, buf.getLong(512) | 3);
            }
            return;
        }
        long bv = xs.u64(1) & (supported == 0 ? 3 : supported);
        // components at the offsets this CPU uses (CPUID 0xD; they differ between vendors)
        bv = place(buf, len, bv, 2, xs.u64s(2), 4, 64);
        bv = place(buf, len, bv, 3, xs.u64s(3), 8, 8);
        bv = place(buf, len, bv, 4, xs.u64s(4), 8, 2);
        bv = place(buf, len, bv, 5, xs.u64s(5), 8, 8);
        bv = place(buf, len, bv, 6, xs.u64s(6), 8, 64);
        bv = place(buf, len, bv, 7, xs.u64s(7), 8, 128);
        bv = place(buf, len, bv, 9, xs.u64s(8), 4, 2);
        buf.putLong(512, bv & ~((1L << 8) | (1L << 10) | (1L << 11) | (1L << 12) | (1L << 13) | (1L << 14) | (1L << 15) | (1L << 16)
                | (1L << 17) | (1L << 18)) | (bv & 3));
        buf.putLong(520, 0);
    }

    /** Writes one component where CPUID says it lives; drops its bit if it does not fit the buffer. */
    private static long place(ByteBuffer buf, long len, long bv, int comp, long[] v, int width, int count) {
        if ((bv & (1L << comp)) == 0) return bv;
        int off = org.jcriu.criu.sys.Cpuid.xstateOffset(comp);
        if (off < 576 || off + (long) width * count > len) return bv & ~(1L << comp);
        if (width == 4) ints(buf, off, v, count);
        else longs(buf, off, v, count);
        return bv;
    }

    private static void ints(ByteBuffer b, int off, long[] v, int max) {
        for (int i = 0; i < Math.min(v.length, max); i++) b.putInt(off + 4 * i, (int) v[i]);
    }

    private static void longs(ByteBuffer b, int off, long[] v, int max) {
        for (int i = 0; i < Math.min(v.length, max); i++) b.putLong(off + 8 * i, v[i]);
    }
}
