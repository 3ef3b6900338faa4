package org.jcriu.criu.restore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.compel.SeizeOption;
import org.jcriu.compel.SyscallBatch;
import org.jcriu.compel.TraceeThread;
import org.jcriu.images.ImageType;
import org.jcriu.images.proto.SeccompEntry;
import org.jcriu.images.proto.SeccompFilter;
import org.jcriu.images.proto.ThreadCoreEntry;

/**
 * no_new_privs and seccomp of a restored thread, set by the thread itself as the last of its
 * state (after its creds), just before its registers are loaded.
 *
 * <p>The chain of a thread in filter mode is installed oldest first: CRIU's layout (see
 * dump/SeccompDumper) has the thread's {@code seccomp_filter} name its first filter to install
 * and each filter's {@code prev} the next one; each goes in with seccomp(SECCOMP_SET_MODE_FILTER)
 * and its saved flags; strict mode is prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT). The restore goes on
 * driving the thread through compel afterwards (the code area's munmap, registers), so before the
 * filters go in its task gets compel's {@link SeizeOption#SUSPEND_SECCOMP}: the confinement applies
 * from the detach on.
 */
final class SeccompRestorer {
    static final int NR_seccomp = 317, NR_prctl = 157;
    static final int PR_SET_SECCOMP = 22, PR_SET_NO_NEW_PRIVS = 38;
    static final int SECCOMP_MODE_STRICT = 1, SECCOMP_MODE_FILTER = 2, SECCOMP_SET_MODE_FILTER = 1;
    /**
     * SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW: the flags that belong to one
     * filter. TSYNC is left out (each thread gets its own chain; syncing would stack the first
     * thread's chain onto the others; a TSYNC chain in CRIU's images is copied to the threads
     * instead), NEW_LISTENER too (there is no listener to hand over).
     */
    static final long KEPT_FLAGS = 2 | 4;
    static final long SECCOMP_FILTER_FLAG_TSYNC = 1;

    private final Path dir;
    /** task -> the chain its leader had with TSYNC (CRIU's images), for the other threads */
    private final Map<Integer, List<SeccompFilter>> tsynced = new HashMap<>();
    /** seccomp.img's filters, read on first need (most trees have none) */
    private List<SeccompFilter> filters;

    SeccompRestorer(Path dir) {
        this.dir = dir;
    }

    /**
     * Adds to {@code b} (the thread's last batch, after its creds) no_new_privs and the seccomp
     * state of ThreadCoreEntry {@code th} of a thread of task {@code pid}; suspends seccomp for
     * the thread if it gets any. The threads of a task come leader first.
     */
    void apply(SyscallBatch b, TraceeThread rt, ThreadCoreEntry th, int pid) throws RestoreException {
        int tid = rt.tid();
        if (th.hasCreds() && th.getCreds().getNoNewPrivs() != 0) {
            b.op("prctl(PR_SET_NO_NEW_PRIVS)", NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        }
        int mode = th.getSeccompMode().getNumber();
        List<SeccompFilter> chain = null;
        if (mode == SECCOMP_MODE_FILTER) {
            if (!th.hasSeccompFilter()) throw new RestoreException("thread " + tid + ": seccomp filter mode without a filter in core-" + tid + ".img");
            chain = chain(th.getSeccompFilter(), tid);
            if (tid == pid && chain.stream().anyMatch(f -> (f.getFlags() & SECCOMP_FILTER_FLAG_TSYNC) != 0)) {
                tsynced.put(pid, chain);
            }
        } else if (mode == 0 && tsynced.containsKey(pid)) {
            // CRIU saves a chain all threads share once, on the leader with TSYNC, the others
            // as disabled: each gets its own copy here
            mode = SECCOMP_MODE_FILTER;
            chain = tsynced.get(pid);
        }
        if (mode == 0) return;
        rt.tracee().addSeizeOptions(SeizeOption.SUSPEND_SECCOMP);
        if (mode == SECCOMP_MODE_STRICT) {
            b.op("prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)", NR_prctl, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0);
            return;
        }
        if (mode != SECCOMP_MODE_FILTER) {
            throw new RestoreException("thread " + tid + ": unknown seccomp mode " + mode + " in core-" + tid + ".img");
        }
        for (SeccompFilter f : chain) {
            byte[] prog = f.getFilter().toByteArray();
            long insns = b.bytes(prog);
            long fprog = b.longs(prog.length / 8, insns); // struct sock_fprog { u16 len; ptr filter; }
            long flags = f.getFlags() & KEPT_FLAGS;
            b.op("seccomp(SECCOMP_SET_MODE_FILTER, " + prog.length / 8 + " insns) for thread " + tid,
                    NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, fprog);
        }
    }

    /** The chain from filter {@code first} on, in the order to install it. */
    private List<SeccompFilter> chain(int first, int tid) throws RestoreException {
        List<SeccompFilter> all = filters();
        List<SeccompFilter> out = new ArrayList<>();
        for (int i = first; ; ) {
            if (i < 0 || i >= all.size() || out.size() > all.size()) {
                throw new RestoreException("image " + dir.resolve("seccomp.img") + " is corrupt: thread " + tid
                        + " names filter " + i + " of " + all.size());
            }
            SeccompFilter f = all.get(i);
            if (f.getFilter().size() == 0 || f.getFilter().size() % 8 != 0) {
                throw new RestoreException("image " + dir.resolve("seccomp.img") + " is corrupt: filter " + i
                        + " is not a sock_filter array");
            }
            out.add(f);
            if (!f.hasPrev()) return out;
            i = f.getPrev();
        }
    }

    private List<SeccompFilter> filters() throws RestoreException {
        if (filters == null) {
            filters = new Images(dir).one(ImageType.SECCOMP, 0, SeccompEntry.class).getSeccompFiltersList();
        }
        return filters;
    }
}
