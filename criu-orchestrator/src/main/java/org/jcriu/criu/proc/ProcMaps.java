package org.jcriu.criu.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parser of /proc/PID/maps and /proc/PID/smaps into {@link Vma}s, in address order. */
public final class ProcMaps {
    private ProcMaps() {}

    /** Parses one maps line (also the header line of an smaps entry). */
    public static Vma parseLine(String line, Set<String> vmFlags) {
        // start-end perms offset major:minor inode    path
        int p = 0;
        int dash = line.indexOf('-');
        long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
        int sp = line.indexOf(' ', dash);
        long end = Long.parseUnsignedLong(line.substring(dash + 1, sp), 16);
        String perms = line.substring(sp + 1, sp + 5);
        p = sp + 6;
        int sp2 = line.indexOf(' ', p);
        long pgoff = Long.parseUnsignedLong(line.substring(p, sp2), 16);
        p = sp2 + 1;
        int colon = line.indexOf(':', p);
        int sp3 = line.indexOf(' ', p);
        int maj = Integer.parseInt(line.substring(p, colon), 16);
        int min = Integer.parseInt(line.substring(colon + 1, sp3), 16);
        p = sp3 + 1;
        int sp4 = line.indexOf(' ', p);
        if (sp4 < 0) sp4 = line.length();
        long inode = Long.parseLong(line.substring(p, sp4));
        String path = sp4 < line.length() ? line.substring(sp4).strip() : "";
        return new Vma(start, end, perms.charAt(0) == 'r', perms.charAt(1) == 'w', perms.charAt(2) == 'x',
                perms.charAt(3) == 's', pgoff, maj, min, inode, path, vmFlags);
    }

    private static boolean isHeader(String line) {
        int dash = line.indexOf('-');
        if (dash <= 0) return false;
        for (int i = 0; i < dash; i++) if (Character.digit(line.charAt(i), 16) < 0) return false;
        return true;
    }

    /** Parses the text of a maps file. */
    public static List<Vma> parseMaps(String text) {
        List<Vma> out = new ArrayList<>();
        for (String line : text.split("\n")) if (!line.isEmpty()) out.add(parseLine(line, Set.of()));
        return out;
    }

    /** Parses the text of an smaps file, keeping each area's VmFlags. */
    public static List<Vma> parseSmaps(String text) {
        List<Vma> out = new ArrayList<>();
        String header = null;
        Set<String> flags = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            if (isHeader(line)) {
                if (header != null) out.add(parseLine(header, Set.copyOf(flags)));
                header = line;
                flags.clear();
            } else if (line.startsWith("VmFlags:")) {
                for (String f : line.substring(8).trim().split("\\s+")) if (!f.isEmpty()) flags.add(f);
            }
        }
        if (header != null) out.add(parseLine(header, Set.copyOf(flags)));
        return out;
    }

    /** Reads /proc/PID/smaps. */
    public static List<Vma> readSmaps(int pid) throws IOException {
        return parseSmaps(ProcFs.read(pid, "smaps"));
    }

    /** Reads /proc/PID/maps. */
    public static List<Vma> readMaps(int pid) throws IOException {
        return parseMaps(ProcFs.read(pid, "maps"));
    }
}
