package org.jcriu.criu.dump;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The dump's run id (inventory.img's dump_criu_run_id): a random (version 4) UUID.
 *
 * <p>Not {@link UUID#randomUUID()}: its SecureRandom sets up the JDK's security
 * providers on first use, 7 to 10 ms of a short dump, and inventory.img is written
 * while the tree is frozen. The same kernel randomness is read here directly.
 */
final class RunId {
    private RunId() {}

    static String random() throws IOException {
        byte[] b = new byte[16];
        try (FileInputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(b, 0, 16) != 16) throw new IOException("/dev/urandom: short read");
        }
        return of(b).toString();
    }

    /** The version 4, IETF variant UUID made of 16 random bytes (RFC 4122, section 4.4). */
    static UUID of(byte[] random) {
        byte[] b = random.clone();
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new UUID(bb.getLong(), bb.getLong());
    }
}
