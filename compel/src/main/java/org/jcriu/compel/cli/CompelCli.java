package org.jcriu.compel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jcriu.compel.Compel;
import org.jcriu.compel.CompelException;
import org.jcriu.compel.Creds;
import org.jcriu.compel.Logger;
import org.jcriu.compel.Parasite;
import org.jcriu.compel.SeizeOption;
import org.jcriu.compel.Sigaction;
import org.jcriu.compel.Tracee;
import org.jcriu.compel.TraceeThread;
import org.jcriu.compel.sys.Errno;
import org.jcriu.compel.sys.Fcntl;
import org.jcriu.compel.sys.NoSuchProcessException;
import org.jcriu.compel.sys.Syscalls;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compel ACTION -t PID}: a thin command line client of the library. Every action seizes
 * the task, does its work and resumes it as found; on failure it prints one line
 * {@code Error: ...} on stderr and exits 1.
 */
@Command(name = "compel", mixinStandardHelpOptions = true, version = "compel " + Compel.VERSION,
        description = "Run code inside a live Linux task and leave it as it was.",
        subcommands = {CompelCli.Regs.class, CompelCli.Syscall.class, CompelCli.Fds.class,
            CompelCli.Sigactions.class, CompelCli.CredsCmd.class})
public final class CompelCli implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private CompelCli() {}

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 1;
    }

    /** Options every action has. */
    static class Target {
        @Option(names = {"-t", "--tree"}, required = true, paramLabel = "PID", description = "the task")
        int pid;

        @Option(names = {"-v", "--verbose"}, description = "log compel's steps on stderr")
        boolean verbose;

        @Option(names = "--suspend-seccomp", description = "seccomp does not act on compel's syscalls (needs CAP_SYS_ADMIN)")
        boolean suspendSeccomp;

        Tracee seize() {
            Logger log = verbose ? (l, m) -> System.err.println("compel: " + l.name().toLowerCase() + ": " + m) : Logger.NONE;
            return suspendSeccomp ? Compel.seize(pid, log, SeizeOption.SUSPEND_SECCOMP) : Compel.seize(pid, log);
        }
    }

    @Command(name = "regs", description = "Print the registers of every thread.")
    static final class Regs implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Override
        public Integer call() {
            StringBuilder sb = new StringBuilder();
            try (Tracee t = target.seize()) {
                for (TraceeThread th : t.threads()) {
                    sb.append("thread ").append(th.tid()).append(" (").append(th.found().name().toLowerCase())
                            .append(")\n").append(th.getRegs()).append('\n')
                            .append(String.format("sigmask  %016x%n", th.getSigmask()))
                            .append(th.getXState()).append('\n');
                }
            }
            System.out.print(sb);
            return 0;
        }
    }

    @Command(name = "syscall", description = {"Run one syscall inside the task and print its result.",
        "Arguments are numbers (decimal, 0x hex) or strings, passed as pointers to a copy in the task."})
    static final class Syscall implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "NAME", description = "syscall name (e.g. getpid) or number")
        String name;

        @Parameters(index = "1..*", paramLabel = "ARG", description = "up to six arguments")
        List<String> args = List.of();

        @Override
        public Integer call() {
            if (args.size() > 6) {
                throw new IllegalArgumentException("at most six arguments");
            }
            int nr = name.matches("\\d+") ? Integer.parseInt(name) : Syscalls.number(name);
            long r;
            try (Tracee t = target.seize()) {
                long[] a = new long[args.size()];
                long scratch = 0;
                int used = 0;
                for (int i = 0; i < a.length; i++) {
                    String s = args.get(i);
                    Long n = number(s);
                    if (n != null) {
                        a[i] = n;
                        continue;
                    }
                    if (scratch == 0) {
                        scratch = t.scratch();
                    }
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    ByteBuffer buf = ByteBuffer.allocateDirect(b.length + 1);
                    buf.put(b).put((byte) 0).flip();
                    t.writeMemory(scratch + used, buf);
                    a[i] = scratch + used;
                    used += (b.length + 8) & ~7;
                }
                r = t.syscall(nr, a);
            }
            if (r < 0 && r > -4096) {
                System.out.println(r + " (" + Errno.text((int) -r) + ")");
            } else {
                System.out.println(r);
            }
            return 0;
        }

        private static Long number(String s) {
            try {
                if (s.startsWith("0x") || s.startsWith("0X")) {
                    return Long.parseUnsignedLong(s.substring(2), 16);
                }
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    @Command(name = "fds", description = "Take copies of the task's fds through the parasite and print what each is.")
    static final class Fds implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Override
        public Integer call() throws IOException {
            StringBuilder sb = new StringBuilder();
            try (Tracee t = target.seize(); Parasite p = t.infect()) {
                TreeMap<Integer, String> fdinfo = new TreeMap<>();
                Path dir = Paths.get("/proc", Integer.toString(target.pid), "fdinfo");
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) s::iterator) {
                        int fd = Integer.parseInt(f.getFileName().toString());
                        if (fd == p.socketFd()) {
                            continue;
                        }
                        try {
                            fdinfo.put(fd, Files.readString(f));
                        } catch (NoSuchFileException e) {
                            // closed meanwhile
                        }
                    }
                }
                int[] fds = fdinfo.keySet().stream().mapToInt(Integer::intValue).toArray();
                int[] copies = p.fds(fds);
                for (int i = 0; i < fds.length; i++) {
                    String target = Files.readSymbolicLink(Paths.get("/proc/self/fd/" + copies[i])).toString();
                    String info = fdinfo.get(fds[i]);
                    sb.append(fds[i]).append('\t').append(kind(target, copies[i])).append('\t').append(target)
                            .append("\tpos=").append(field(info, "pos")).append("\tflags=").append(field(info, "flags"))
                            .append('\n');
                    Fcntl.closeQuietly(copies[i]);
                }
            }
            System.out.print(sb);
            return 0;
        }

        private static String kind(String target, int fd) {
            if (target.startsWith("socket:")) {
                return "socket";
            }
            if (target.startsWith("pipe:")) {
                return "pipe";
            }
            if (target.startsWith("anon_inode:")) {
                return "anon";
            }
            Path p = Paths.get("/proc/self/fd/" + fd);
            if (Files.isDirectory(p)) {
                return "dir";
            }
            if (Files.isRegularFile(p)) {
                return "file";
            }
            return target.startsWith("/dev/") ? "device" : "other";
        }

        private static String field(String info, String key) {
            for (String l : info.split("\n")) {
                if (l.startsWith(key + ":")) {
                    return l.substring(key.length() + 1).trim();
                }
            }
            return "?";
        }
    }

    @Command(name = "sigactions", description = "Print the signal dispositions of the task (non-default ones; --all for all).")
    static final class Sigactions implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Option(names = {"-a", "--all"}, description = "print default dispositions too")
        boolean all;

        @Override
        public Integer call() {
            List<Sigaction> acts;
            try (Tracee t = target.seize(); Parasite p = t.infect()) {
                acts = p.sigactions();
            }
            StringBuilder sb = new StringBuilder();
            for (Sigaction a : acts) {
                if (!all && a.handler() == 0) {
                    continue;
                }
                String h = a.handler() == 0 ? "SIG_DFL" : a.handler() == 1 ? "SIG_IGN" : String.format("0x%x", a.handler());
                sb.append(String.format("%-2d %-9s handler=%s flags=0x%x mask=0x%x restorer=0x%x%n", a.signo(),
                        signame(a.signo()), h, a.flags(), a.mask(), a.restorer()));
            }
            System.out.print(sb);
            return 0;
        }

        private static final String[] NAMES = {"", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

        private static String signame(int s) {
            return s < NAMES.length ? NAMES[s] : "SIGRT" + (s - 32);
        }
    }

    @Command(name = "creds", description = "Print the task's credentials as the task sees them.")
    static final class CredsCmd implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;

        @Override
        public Integer call() {
            Creds c;
            try (Tracee t = target.seize(); Parasite p = t.infect()) {
                c = p.creds();
            }
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("uid %d %d %d %d%n", c.uid(), c.euid(), c.suid(), c.fsuid()));
            sb.append(String.format("gid %d %d %d %d%n", c.gid(), c.egid(), c.sgid(), c.fsgid()));
            sb.append("groups");
            for (int g : c.groups()) {
                sb.append(' ').append(g);
            }
            sb.append('\n');
            sb.append(String.format("cap_inheritable %016x%ncap_permitted %016x%ncap_effective %016x%n"
                    + "cap_bounding %016x%ncap_ambient %016x%nsecurebits %d%nno_new_privs %d%n",
                    c.capInheritable(), c.capPermitted(), c.capEffective(), c.capBounding(), c.capAmbient(),
                    c.securebits(), c.noNewPrivs() ? 1 : 0));
            System.out.print(sb);
            return 0;
        }
    }

    /** Runs the command line; returns the exit code. */
    static int run(String... args) {
        CommandLine cl = new CommandLine(new CompelCli());
        cl.setParameterExceptionHandler((e, a) -> {
            cl.getErr().println("Error: " + e.getMessage());
            return 1;
        });
        cl.setExecutionExceptionHandler((e, c, r) -> {
            c.getErr().println("Error: " + message(e));
            if (Boolean.getBoolean("compel.trace")) {
                e.printStackTrace(c.getErr());
            }
            return 1;
        });
        cl.setErr(new PrintWriter(System.err, true));
        return cl.execute(args);
    }

    private static String message(Exception e) {
        if (e instanceof NoSuchProcessException) {
            return e.getMessage();
        }
        if (e instanceof CompelException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        return e.toString();
    }

    /**
     * Entry point.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }
}
