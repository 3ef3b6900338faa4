package org.jcriu.criu.dump;

import com.google.protobuf.ByteString;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Trace;
import org.jcriu.images.ImageType;
import org.jcriu.images.ImageWriter;
import org.jcriu.images.proto.SeccompEntry;
import org.jcriu.images.proto.SeccompFilter;

/**
 * The seccomp filters of every thread of the tree, as CRIU 4.x lays them out in seccomp.img.
 *
 * <p>A thread's chain is read with PTRACE_SECCOMP_GET_FILTER from index 0 until ENOENT, flags
 * with PTRACE_SECCOMP_GET_METADATA (both need CAP_SYS_ADMIN and a stopped tracee, so they run on
 * the freezer's tracer thread). Index 0 is the oldest filter, the one installed first (the kernel
 * counts back from the newest by the chain's length minus the index; measured here: a chain
 * installed as A then B reads A, B), although ptrace(2) says the opposite.
 *
 * <p>The image follows CRIU's own dump and restore, which were written for the man page's order:
 * a thread's {@code seccomp_filter} names the filter read at index 0, the one to install first;
 * each filter's {@code prev} names the filter to install after it; the newest has none. So the
 * restore installs oldest first, as the kernel ran them. Entries are written newest first, per
 * chain. A filter is stored once when its program, flags and {@code prev} are all equal: threads
 * with the same chain (TSYNC, or a child that inherited its parent's filters and added none)
 * share every entry; a chain that was inherited and then grown cannot share, since each entry
 * links to the next newer one.
 */
final class SeccompDumper {
    static final int SECCOMP_MODE_DISABLED = 0, SECCOMP_MODE_STRICT = 1, SECCOMP_MODE_FILTER = 2;
    private static final int PTRACE_SECCOMP_GET_METADATA = 0x420d;
    /** sizeof(struct sock_filter) */
    private static final int INSN = 8;
    /** BPF_MAXINSNS: the kernel's limit for one program */
    private static final int MAX_INSNS = 4096;

    private final List<SeccompFilter> filters = new ArrayList<>();
    private final Map<Key, Integer> index = new HashMap<>();

    /** {@code next}: index of the filter installed after this one, or -1 */
    private record Key(int next, long flags, ByteString program) {}

    /**
     * Reads and records the filter chain of a stopped thread in filter mode.
     *
     * @return the index in seccomp.img of the thread's first filter to install (its oldest)
     */
    int addThread(Freezer freezer, int tid) throws Errno {
        List<byte[]> programs = new ArrayList<>();
        List<Long> flags = new ArrayList<>();
        freezer.onTracer(() -> {
            Memory buf = new Memory((long) MAX_INSNS * INSN);
            Memory meta = new Memory(16);
            for (long i = 0; ; i++) {
                long n;
                try {
                    n = Trace.ptrace("ptrace(PTRACE_SECCOMP_GET_FILTER)", Trace.PTRACE_SECCOMP_GET_FILTER, tid, i,
                            Pointer.nativeValue(buf));
                } catch (Errno e) {
                    if (e.errno() == Errno.ENOENT && i > 0) break; // past the oldest filter
                    throw e;
                }
                programs.add(buf.getByteArray(0, (int) n * INSN));
                meta.setLong(0, i); // filter_off in, flags out
                meta.setLong(8, 0);
                Trace.ptrace("ptrace(PTRACE_SECCOMP_GET_METADATA)", PTRACE_SECCOMP_GET_METADATA, tid, 16,
                        Pointer.nativeValue(meta));
                flags.add(meta.getLong(8));
            }
            return null;
        });
        int next = -1; // the filter installed after the one at hand (its prev in CRIU's naming)
        for (int i = programs.size() - 1; i >= 0; i--) {
            Key k = new Key(next, flags.get(i), ByteString.copyFrom(programs.get(i)));
            Integer at = index.get(k);
            if (at == null) {
                at = filters.size();
                SeccompFilter.Builder f = SeccompFilter.newBuilder().setFilter(k.program()).setFlags((int) k.flags());
                if (next >= 0) f.setPrev(next);
                filters.add(f.build());
                index.put(k, at);
            }
            next = at;
        }
        return next;
    }

    /** Distinct filters recorded so far. */
    int size() {
        return filters.size();
    }

    /** seccomp.img: one entry, the filters in the order recorded (empty without any). */
    void write(Path dir) throws IOException {
        try (ImageWriter o = ImageWriter.create(dir.resolve("seccomp.img"), ImageType.SECCOMP)) {
            o.write(SeccompEntry.newBuilder().addAllSeccompFilters(filters).build());
        }
    }
}
