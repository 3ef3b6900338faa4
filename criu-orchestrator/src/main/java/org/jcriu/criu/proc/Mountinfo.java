package org.jcriu.criu.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** /proc/PID/mountinfo, see proc(5). */
public final class Mountinfo {
    /** One mount. */
    public record Mount(int mntId, int parentId, int major, int minor, String root, String mountPoint,
                        String options, List<String> optional, String fsType, String source, String superOptions) {}

    private Mountinfo() {}

    /** Parses the text of a mountinfo file. */
    public static List<Mount> parse(String text) {
        List<Mount> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            String[] w = line.split(" ");
            int i = 6;
            List<String> opt = new ArrayList<>();
            while (!w[i].equals("-")) opt.add(w[i++]);
            String[] mm = w[2].split(":");
            out.add(new Mount(Integer.parseInt(w[0]), Integer.parseInt(w[1]), Integer.parseInt(mm[0]),
                    Integer.parseInt(mm[1]), unescape(w[3]), unescape(w[4]), w[5], List.copyOf(opt), w[i + 1],
                    unescape(w[i + 2]), i + 3 < w.length ? w[i + 3] : ""));
        }
        return out;
    }

    /** Reads /proc/PID/mountinfo. */
    public static List<Mount> read(int pid) throws IOException {
        return parse(ProcFs.read(pid, "mountinfo"));
    }

    /** Undoes the kernel's octal escapes (\040 for space, etc.). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
