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
 * The seccomp filters of every thread of the tree, each distinct filter stored once in
 * seccomp.img with a link to the one installed before it.
 *
 * <p>A thread's chain is read with PTRACE_SECCOMP_GET_FILTER from index 0 until ENOENT. Index 0
 * is the oldest filter, the one installed first (the kernel counts back from the newest by the
 * chain's length minus the index; measured here: a chain installed as A then B reads A, B); its flags with PTRACE_SECCOMP_GET_METADATA (both need CAP_SYS_ADMIN and a stopped
 * tracee, so they run on the freezer's tracer thread). Chains inherited over fork or synced by
 * TSYNC share their older filters in the kernel; the kernel does not say which filter objects are
 * shared, so two filters are taken as one when their program, flags and previous filter are equal
 * (the same chain, as the restore rebuilds it).
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

    private record Key(int prev, long flags, ByteString program) {}

    /**
     * Reads and records the filter chain of a stopped thread in filter mode.
     *
     * @return the index in seccomp.img of the thread's newest filter
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
        int prev = -1;
        for (int i = 0; i < programs.size(); i++) { // oldest first: a prev index is always smaller
            Key k = new Key(prev, flags.get(i), ByteString.copyFrom(programs.get(i)));
            Integer at = index.get(k);
            if (at == null) {
                at = filters.size();
                SeccompFilter.Builder f = SeccompFilter.newBuilder().setFilter(k.program()).setFlags((int) k.flags());
                if (prev >= 0) f.setPrev(prev);
                filters.add(f.build());
                index.put(k, at);
            }
            prev = at;
        }
        return prev;
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
