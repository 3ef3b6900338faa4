package org.jcriu.criu.dump;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** clock_gettime for timens-0.img (CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7). */
final class Clock {
    static {
        Native.register(NativeLibrary.getInstance("c"));
    }

    private Clock() {}

    private static native int clock_gettime(int clk, Memory ts) throws LastErrorException;

    static long[] now(int clk) {
        Memory m = new Memory(16);
        clock_gettime(clk, m);
        return new long[] {m.getLong(0), m.getLong(8)};
    }
}
