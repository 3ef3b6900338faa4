package org.jcriu.criu.restore;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.jcriu.images.ImageType;

/**
 * no_new_privs and seccomp of a restored thread, set by the thread itself as the last of its
 * state (after its creds), just before its registers are loaded.
 *
 * <p>The chain of a thread in filter mode is installed oldest first: CRIU's layout (see
 * dump/SeccompDumper) has the thread's {@code seccomp_filter} name its first filter to install
 * and each filter's {@code prev} the next one; each goes in with seccomp(SECCOMP_SET_MODE_FILTER)
 * and its saved flags; strict mode is prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT). The restore goes on
 * driving the thread by ptrace afterwards (trampoline unmap, registers), so before the filters go
 * in the thread gets PTRACE_O_SUSPEND_SECCOMP: the confinement applies from the detach on.
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
    static final int PTRACE_O_SUSPEND_SECCOMP = 1 << 21;
    /** RemoteTask.seize's options, which PTRACE_SETOPTIONS replaces: kept, plus the suspension */
    private static final int OPTIONS = RestoreSys.PTRACE_O_TRACECLONE | RestoreSys.PTRACE_O_TRACEFORK
            | RestoreSys.PTRACE_O_TRACESYSGOOD | RestoreSys.PTRACE_O_EXITKILL | PTRACE_O_SUSPEND_SECCOMP;

    private final Path dir;
    /** task -> the chain its leader had with TSYNC (CRIU's images), for the other threads */
    private final Map<Integer, List<ProtoMsg>> tsynced = new HashMap<>();
    /** seccomp.img's filters, read on first need (most trees have none) */
    private List<ProtoMsg> filters;

    SeccompRestorer(Path dir) {
        this.dir = dir;
    }

    /**
     * Adds to {@code b} (the thread's last batch, after its creds) no_new_privs and the seccomp
     * state of ThreadCoreEntry {@code th} of a thread of task {@code pid}; suspends seccomp for
     * the thread if it gets any. The threads of a task come leader first.
     */
    void apply(Batch b, RemoteTask rt, ProtoMsg th, int pid) throws RestoreException, InvalidProtocolBufferException {
        ProtoMsg creds = th.msg(10);
        if (creds != null && creds.u64(18) != 0) {
            b.op("prctl(PR_SET_NO_NEW_PRIVS)", NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        }
        int mode = (int) th.u64(11);
        List<ProtoMsg> chain = null;
        if (mode == SECCOMP_MODE_FILTER) {
            if (!th.has(12)) throw new RestoreException("thread " + rt.tid + ": seccomp filter mode without a filter in core-" + rt.tid + ".img");
            chain = chain((int) th.u64(12), rt.tid);
            if (rt.tid == pid && chain.stream().anyMatch(f -> (f.u64(3) & SECCOMP_FILTER_FLAG_TSYNC) != 0)) {
                tsynced.put(pid, chain);
            }
        } else if (mode == 0 && tsynced.containsKey(pid)) {
            // CRIU saves a chain all threads share once, on the leader with TSYNC, the others
            // as disabled: each gets its own copy here
            mode = SECCOMP_MODE_FILTER;
            chain = tsynced.get(pid);
        }
        if (mode == 0) return;
        rt.pt("PTRACE_SETOPTIONS(PTRACE_O_SUSPEND_SECCOMP)", RestoreSys.PTRACE_SETOPTIONS, 0, OPTIONS);
        if (mode == SECCOMP_MODE_STRICT) {
            b.op("prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)", NR_prctl, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0);
            return;
        }
        if (mode != SECCOMP_MODE_FILTER) {
            throw new RestoreException("thread " + rt.tid + ": unknown seccomp mode " + mode + " in core-" + rt.tid + ".img");
        }
        for (ProtoMsg f : chain) {
            byte[] prog = f.bytes(1).toByteArray();
            long insns = b.bytes(prog);
            long fprog = b.longs(prog.length / 8, insns); // struct sock_fprog { u16 len; ptr filter; }
            long flags = f.u64(3) & KEPT_FLAGS;
            b.op("seccomp(SECCOMP_SET_MODE_FILTER, " + prog.length / 8 + " insns) for thread " + rt.tid,
                    NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, fprog);
        }
    }

    /** The chain from filter {@code first} on, in the order to install it. */
    private List<ProtoMsg> chain(int first, int tid) throws RestoreException, InvalidProtocolBufferException {
        List<ProtoMsg> all = filters();
        List<ProtoMsg> out = new ArrayList<>();
        for (int i = first; ; ) {
            if (i < 0 || i >= all.size() || out.size() > all.size()) {
                throw new RestoreException("image " + dir.resolve("seccomp.img") + " is corrupt: thread " + tid
                        + " names filter " + i + " of " + all.size());
            }
            ProtoMsg f = all.get(i);
            if (f.bytes(1) == null || f.bytes(1).size() == 0 || f.bytes(1).size() % 8 != 0) {
                throw new RestoreException("image " + dir.resolve("seccomp.img") + " is corrupt: filter " + i
                        + " is not a sock_filter array");
            }
            out.add(f);
            if (!f.has(2)) return out;
            i = (int) f.u64(2);
        }
    }

    private List<ProtoMsg> filters() throws RestoreException, InvalidProtocolBufferException {
        if (filters == null) {
            ProtoMsg e = new Images(dir).one("seccomp.img", ImageType.SECCOMP.magic());
            filters = e.msgs(1);
        }
        return filters;
    }
}
