package org.jcriu.criu.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Paths under /proc and the few ways of reading them. Every parser in this
 * package has a {@code parse(String)} that takes the file's text (so tests can
 * feed it samples) and a {@code read(pid...)} that reads the live file.
 */
public final class ProcFs {
    private ProcFs() {}

    /** /proc itself. */
    public static final Path ROOT = Path.of("/proc");

    /** /proc/PID. */
    public static Path pid(int pid) {
        return ROOT.resolve(Integer.toString(pid));
    }

    /** /proc/PID/task/TID. */
    public static Path task(int pid, int tid) {
        return pid(pid).resolve("task").resolve(Integer.toString(tid));
    }

    /** Reads a whole /proc file as text; proc files report size 0, so read to EOF. */
    public static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
    }

    /** Reads /proc/PID/NAME. */
    public static String read(int pid, String name) throws IOException {
        return read(pid(pid).resolve(name));
    }

    /** Reads a symlink under /proc (fd/N, cwd, exe, ns/X). */
    public static String readlink(Path p) throws IOException {
        return Files.readSymbolicLink(p).toString();
    }

    /** True while /proc/PID exists (a zombie still has one). */
    public static boolean exists(int pid) {
        return Files.exists(pid(pid));
    }

    /** The numeric entries of a /proc directory (task/, fd/), sorted ascending. */
    public static List<Integer> numericEntries(Path dir) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && Character.isDigit(n.charAt(0))) out.add(Integer.parseInt(n));
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.sort(null);
        return out;
    }

    /** Thread ids of a process, from /proc/PID/task, sorted; empty if it is gone. */
    public static List<Integer> threads(int pid) throws IOException {
        try {
            return numericEntries(pid(pid).resolve("task"));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** Children of one thread, from /proc/PID/task/TID/children; empty if gone. */
    public static List<Integer> children(int pid, int tid) throws IOException {
        String s;
        try {
            s = read(task(pid, tid).resolve("children"));
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        for (String w : s.trim().split("\\s+")) if (!w.isEmpty()) out.add(Integer.parseInt(w));
        return out;
    }

    /** Open fd numbers of a process, sorted. */
    public static List<Integer> fds(int pid) throws IOException {
        return numericEntries(pid(pid).resolve("fd"));
    }
}
