package org.jcriu.criu.restore;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.jna.Memory;

/**
 * Builds the NT_X86_XSTATE buffer (standard, non-compacted XSAVE layout, as
 * ptrace takes it) from a core image's user_x86_fpregs_entry. Components go
 * at their standard offsets (AVX 576, MPX 960/1024, AVX-512 1088/1152/1664,
 * PKRU 2688); xstate_bv is limited to what the kernel supports, read from the
 * software-reserved bytes of the buffer the kernel gave us.
 */
final class Xsave {
    private Xsave() {}

    /** Fills buf (the task's current xstate, len bytes) with the saved state. */
    static void fill(Memory buf, long len, ProtoMsg fp) throws InvalidProtocolBufferException {
        buf.setShort(0, (short) fp.u64(1));
        buf.setShort(2, (short) fp.u64(2));
        buf.setShort(4, (short) fp.u64(3));
        buf.setShort(6, (short) fp.u64(4));
        buf.setLong(8, fp.u64(5));
        buf.setLong(16, fp.u64(6));
        buf.setInt(24, (int) fp.u64(7));
        buf.setInt(28, (int) fp.u64(8));
        ints(buf, 32, fp.u64s(9), 32);
        ints(buf, 160, fp.u64s(10), 64);
        long supported = buf.getInt(464) == 0x46505853 ? buf.getLong(472) : 3;
        ProtoMsg xs = fp.msg(13);
        if (xs == null || len < 576) {
            if (len >= 576) {
                buf.setLong(512, buf.getLong(512) | 3);
            }
            return;
        }
        long bv = xs.u64(1) & supported;
        buf.setLong(512, bv);
        buf.setLong(520, 0);
        if (len >= 576 + 256) ints(buf, 576, xs.u64s(2), 64);
        if (len >= 1024) longs(buf, 960, xs.u64s(3), 8);
        if (len >= 1040) longs(buf, 1024, xs.u64s(4), 2);
        if (len >= 1152) longs(buf, 1088, xs.u64s(5), 8);
        if (len >= 1664) longs(buf, 1152, xs.u64s(6), 64);
        if (len >= 2688) longs(buf, 1664, xs.u64s(7), 128);
        if (len >= 2696) ints(buf, 2688, xs.u64s(8), 2);
    }

    private static void ints(Memory b, long off, long[] v, int max) {
        for (int i = 0; i < Math.min(v.length, max); i++) b.setInt(off + 4L * i, (int) v[i]);
    }

    private static void longs(Memory b, long off, long[] v, int max) {
        for (int i = 0; i < Math.min(v.length, max); i++) b.setLong(off + 8L * i, v[i]);
    }
}
