package org.jcriu.criu.dump;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcriu.criu.proc.ProcFs;
import org.jcriu.criu.sys.PagemapScan;
import org.jcriu.criu.sys.Pidfd;
import org.jcriu.criu.sys.SockDiag;
import org.jcriu.criu.sys.Trace;

/**
 * {@code criu check}: probes the running kernel for every interface jcriu's dump and
 * restore rely on. Each probe either passes or names what is missing.
 */
public final class KernelCheck {
    /** One probe's outcome: ok, or the message saying what is missing. */
    public record Result(String feature, boolean ok, boolean required, String message) {}

    private interface Probe {
        void run() throws Exception;
    }

    private KernelCheck() {}

    /** Runs every probe. */
    public static List<Result> run() {
        List<Result> out = new ArrayList<>();
        int self = (int) ProcessHandle.current().pid();
        probe(out, "root", true, "jcriu must run as root (ptrace of other users' tasks, netlink sock_diag, map_files)",
                () -> {
                    String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                            .filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: 1");
                    if (!uid.split("\\s+")[2].equals("0")) throw new IllegalStateException("not euid 0");
                });
        probe(out, "ptrace", true, "ptrace is restricted (kernel.yama.ptrace_scope = 3)", () -> {
            Path p = Path.of("/proc/sys/kernel/yama/ptrace_scope");
            if (Files.exists(p) && Files.readString(p).trim().equals("3")) throw new IllegalStateException("scope 3");
        });
        probe(out, "pidfd_getfd", true, "pidfd_open/pidfd_getfd are missing (Linux 5.6+)", () -> {
            if (!Pidfd.supported()) throw new IllegalStateException("no pidfd_getfd");
        });
        probe(out, "kcmp", true, "kcmp() is missing (CONFIG_KCMP / CONFIG_CHECKPOINT_RESTORE)",
                () -> Trace.kcmp(self, self, Trace.KCMP_VM, 0, 0));
        probe(out, "pagemap", true, "/proc/PID/pagemap cannot be read", () -> {
            try (PagemapScan s = new PagemapScan(self)) {
                if (!s.usesIoctl()) {
                    // the entry-reading fallback is fine, only slower
                }
            }
        });
        probe(out, "pagemap_scan", false, "PAGEMAP_SCAN ioctl is missing (Linux 6.7+); pagemap entries are read instead",
                () -> {
                    try (PagemapScan s = new PagemapScan(self)) {
                        if (!s.usesIoctl()) throw new IllegalStateException("no ioctl");
                    }
                });
        probe(out, "map_files", true, "/proc/PID/map_files is not readable (CONFIG_CHECKPOINT_RESTORE)", () -> {
            try (var s = Files.list(ProcFs.pid(self).resolve("map_files"))) {
                Path first = s.findFirst().orElseThrow();
                Files.readSymbolicLink(first);
            }
        });
        probe(out, "sock_diag", true, "netlink sock_diag for unix sockets is missing (CONFIG_UNIX_DIAG)",
                SockDiag::unixSockets);
        probe(out, "rseq", false, "PTRACE_GET_RSEQ_CONFIGURATION is missing (Linux 5.13+): rseq is not saved",
                () -> requireKernel(5, 13));
        probe(out, "clone3_set_tid", true, "clone3 with set_tid is missing (Linux 5.5+)", () -> requireKernel(5, 5));
        probe(out, "ns_last_pid", false, "/proc/sys/kernel/ns_last_pid is missing", () -> {
            if (!Files.exists(Path.of("/proc/sys/kernel/ns_last_pid"))) throw new IllegalStateException("missing");
        });
        probe(out, "memfd", true, "memfd_create is missing (Linux 3.17+)", () -> requireKernel(3, 17));
        probe(out, "soft_dirty", false, "no soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY): --track-mem pre-dumps unavailable",
                () -> {
                    if (!Files.exists(Path.of("/proc/self/clear_refs"))) throw new IllegalStateException("no clear_refs");
                    String smaps = Files.readString(Path.of("/proc/self/smaps"));
                    if (!smaps.contains(" sd")) throw new IllegalStateException("no sd flag");
                });
        return out;
    }

    private static void requireKernel(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(v[0]), mi = Integer.parseInt(v[1]);
        if (ma < major || (ma == major && mi < minor)) {
            throw new IllegalStateException("kernel " + ma + "." + mi);
        }
    }

    private static void probe(List<Result> out, String feature, boolean required, String message, Probe p) {
        try {
            p.run();
            out.add(new Result(feature, true, required, ""));
        } catch (Exception | LinkageError e) {
            out.add(new Result(feature, false, required, message));
        }
    }
}
