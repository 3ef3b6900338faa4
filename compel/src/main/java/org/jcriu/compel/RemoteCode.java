package org.jcriu.compel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * compel's remote code (native-asm/parasite/remote-code.S), written at the start of the code area
 * of every traced task: {@code syscall; int3} at offset 0 (one remote syscall), the batch
 * interpreter at {@link #BATCH} (see {@link SyscallBatch}). Position-independent, no stack.
 */
final class RemoteCode {
    /** Offset of {@code syscall; int3} */
    static final int SYSCALL = 0;
    /** Offset of the batch interpreter: rdi = ops, rsi = count; stops at an int3, rax = ops done */
    static final int BATCH = 16;

    private static byte[] bytes;

    private RemoteCode() {}

    /** @return the code (a shared array: do not change it) */
    static synchronized byte[] bytes() {
        if (bytes == null) {
            try (InputStream in = RemoteCode.class.getResourceAsStream("/org/jcriu/nativeasm/remote-code.bin")) {
                if (in == null) {
                    throw new CompelException("remote-code.bin not on the class path (jcriu-native-asm too old)");
                }
                byte[] b = in.readAllBytes();
                if (b.length > Tracee.SCRATCH_DATA || b[0] != 0x0f || b[1] != 0x05 || b[2] != (byte) 0xcc) {
                    throw new CompelException("bad remote-code.bin (" + b.length + " bytes)");
                }
                bytes = b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }
}
