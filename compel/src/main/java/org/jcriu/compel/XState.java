package org.jcriu.compel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The FPU/SSE/AVX state of one thread as PTRACE_GETREGSET NT_X86_XSTATE returns it: the XSAVE
 * area in standard (non compacted) format, kept as raw bytes, with its header parsed:
 * <pre>
 * offset   0: struct fxregs_state (legacy 512 bytes; mxcsr at 24)
 * offset 464: sw_reserved = struct _fpx_sw_bytes { u32 magic1; u32 extended_size;
 *             u64 xfeatures; u32 xstate_size; u32 padding[7]; }
 * offset 512: struct xstate_header { u64 xfeatures (XSTATE_BV); u64 xcomp_bv; u64 reserved[6]; }
 * offset 576: extended components at their CPUID offsets
 * </pre>
 */
public final class XState {
    /** _fpx_sw_bytes.magic1 when the sw bytes are valid */
    public static final int FP_XSTATE_MAGIC1 = 0x46505853;
    /** u32 stored right after an XSAVE area in a signal frame */
    public static final int FP_XSTATE_MAGIC2 = 0x46505845;

    private final byte[] data;

    /** @param data the raw area (copied) */
    public XState(byte[] data) {
        this.data = data.clone();
    }

    /** @return a copy of the raw area */
    public byte[] bytes() {
        return data.clone();
    }

    /** @return the raw area's size */
    public int size() {
        return data.length;
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** @return MXCSR */
    public int mxcsr() {
        return le().getInt(24);
    }

    /** @return the header's xfeatures (XSTATE_BV): which components hold non-init state */
    public long xstateBv() {
        return data.length >= 520 ? le().getLong(512) : 0;
    }

    /** @return the header's xcomp_bv (0 in standard format) */
    public long xcompBv() {
        return data.length >= 528 ? le().getLong(520) : 0;
    }

    /** @return sw_reserved.xfeatures: the features enabled in XCR0, 0 if the sw bytes are absent */
    public long xfeatures() {
        return le().getInt(464) == FP_XSTATE_MAGIC1 ? le().getLong(472) : 0;
    }

    /** @return sw_reserved.xstate_size, or the raw size if the sw bytes are absent */
    public int xstateSize() {
        return le().getInt(464) == FP_XSTATE_MAGIC1 ? le().getInt(480) : data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XState && Arrays.equals(data, ((XState) o).data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return String.format("xstate size=%d xstate_bv=%#x xcomp_bv=%#x xfeatures=%#x mxcsr=%#x",
                data.length, xstateBv(), xcompBv(), xfeatures(), mxcsr());
    }
}
