package org.jcriu.images.crit;

import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.images.ImageException;
import org.jcriu.images.ImageReader;

/** {@code crit x DIR ps|fds|mems|rss}: summaries of an image directory, in crit's layout. */
final class Explore {
    private final Path dir;
    private final PrintStream out;
    private List<Object> filesImg;
    private final Map<String, List<Object>> imgCache = new HashMap<>();
    private final Map<String, String> filesCache = new HashMap<>();

    Explore(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    void run(String what) throws ImageException {
        switch (what) {
            case "ps": ps(); break;
            case "fds": fds(); break;
            case "mems": mems(); break;
            case "rss": rss(); break;
            default: throw new IllegalArgumentException("unknown x target " + what);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> load(String name) throws ImageException {
        try (ImageReader r = ImageReader.open(dir.resolve(name))) {
            return (List<Object>) ImageJson.decode(r, false, false).get("entries");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static long num(Object o) {
        if (o instanceof BigInteger) {
            return ((BigInteger) o).longValue();
        }
        if (o instanceof Boolean) {
            return ((Boolean) o) ? 1 : 0;
        }
        return o == null ? 0 : (Long) o;
    }

    @SuppressWarnings("unchecked")
    private static long taskId(Map<String, Object> p, String key) {
        if (p.containsKey(key)) {
            return num(p.get(key));
        }
        return num(((List<Object>) p.get("ns_" + key)).get(0));
    }

    private static final class PsItem {
        long pid;
        long ppid;
        Map<String, Object> p;
        Map<String, Object> core;
        List<PsItem> kids = new ArrayList<>();
    }

    private void ps() throws ImageException {
        Map<Long, PsItem> pss = new LinkedHashMap<>();
        for (Object o : load("pstree.img")) {
            PsItem it = new PsItem();
            it.p = map(o);
            it.pid = taskId(it.p, "pid");
            it.ppid = num(it.p.get("ppid"));
            it.core = map(load("core-" + it.pid + ".img").get(0));
            pss.put(it.pid, it);
        }
        PsItem root = null;
        for (PsItem it : pss.values()) {
            if (it.ppid == 0) {
                root = it;
                continue;
            }
            PsItem pp = pss.get(it.ppid);
            if (pp != null) {
                pp.kids.add(it);
            }
        }
        out.printf("%7s%7s%7s   %s%n", "PID", "PGID", "SID", "COMM");
        if (root != null) {
            showPs(root, 0);
        }
    }

    private void showPs(PsItem p, int depth) {
        Object comm = map(p.core.get("tc")).get("comm");
        out.printf("%7d%7d%7d   %s%s%n", p.pid, taskId(p.p, "pgid"), taskId(p.p, "sid"), " ".repeat(4 * depth), comm);
        for (PsItem k : p.kids) {
            showPs(k, depth + 1);
        }
    }

    private Map<String, Object> findInFiles(long id) {
        if (filesImg == null) {
            try {
                filesImg = load("files.img");
            } catch (ImageException e) {
                filesImg = new ArrayList<>();
            }
        }
        for (Object o : filesImg) {
            if (num(map(o).get("id")) == id) {
                return map(o);
            }
        }
        return null;
    }

    private Map<String, Object> findInImage(String field, long id, String img) {
        if (filesImg == null || !filesImg.isEmpty()) {
            Map<String, Object> f = findInFiles(id);
            if (f != null) {
                return f.containsKey(field) ? map(f.get(field)) : null;
            }
            if (!filesImg.isEmpty()) {
                return null;
            }
        }
        List<Object> entries = imgCache.computeIfAbsent(img, k -> {
            try {
                return load(k);
            } catch (ImageException e) {
                return new ArrayList<>();
            }
        });
        for (Object o : entries) {
            if (num(map(o).get("id")) == id) {
                return map(o);
            }
        }
        return null;
    }

    private String fileStr(String type, long id) {
        String key = type + "/" + id;
        String s = filesCache.get(key);
        if (s != null) {
            return s;
        }
        switch (type) {
            case "REG": {
                Map<String, Object> rf = findInImage("reg", id, "reg-files.img");
                s = rf != null && rf.get("name") != null && !"".equals(rf.get("name")) ? (String) rf.get("name") : "unknown path";
                break;
            }
            case "PIPE": {
                Map<String, Object> p = findInImage("pipe", id, "pipes.img");
                s = p != null ? "pipe[" + num(p.get("pipe_id")) + "]" : "pipe[?]";
                break;
            }
            case "UNIXSK": {
                Map<String, Object> ux = findInImage("usk", id, "unixsk.img");
                if (ux == null) {
                    s = "unix[?]";
                } else {
                    Object name = ux.get("name");
                    String n = name instanceof String && !((String) name).isEmpty() ? " " + name : "";
                    s = "unix[" + num(ux.get("ino")) + " (" + num(ux.get("peer")) + ")" + n + "]";
                }
                break;
            }
            default:
                s = type + "." + id;
        }
        filesCache.put(key, s);
        return s;
    }

    private void fds() throws ImageException {
        for (Object o : load("pstree.img")) {
            long pid = taskId(map(o), "pid");
            long fdt = num(map(load("ids-" + pid + ".img").get(0)).get("files_id"));
            List<Object> fdi = load("fdinfo-" + fdt + ".img");
            out.printf("%d%n", pid);
            for (Object f : fdi) {
                Map<String, Object> fd = map(f);
                out.printf("\t%7d: %s%n", num(fd.get("fd")), fileStr((String) fd.get("type"), num(fd.get("id"))));
            }
            Map<String, Object> fs = map(load("fs-" + pid + ".img").get(0));
            out.printf("\t%7s: %s%n", "cwd", fileStr("REG", num(fs.get("cwd_id"))));
            out.printf("\t%7s: %s%n", "root", fileStr("REG", num(fs.get("root_id"))));
        }
    }

    @SuppressWarnings("unchecked")
    private void mems() throws ImageException {
        Map<Long, Long> vids = new HashMap<>();
        for (Object o : load("pstree.img")) {
            long pid = taskId(map(o), "pid");
            Map<String, Object> mm = map(load("mm-" + pid + ".img").get(0));
            out.printf("%d%n", pid);
            out.printf("\t%-36s    %s%n", "exe", fileStr("REG", num(mm.get("exe_file_id"))));
            List<Object> vmas = (List<Object>) mm.getOrDefault("vmas", List.of());
            for (Object vo : vmas) {
                Map<String, Object> vma = map(vo);
                long st = num(vma.get("status"));
                String fn;
                if ((st & (1 << 10)) != 0) {
                    fn = " ips[" + Long.toHexString(vid(vids, num(vma.get("shmid")))) + "]";
                } else if ((st & (1 << 8)) != 0) {
                    fn = " shmem[" + Long.toHexString(vid(vids, num(vma.get("shmid")))) + "]";
                } else if ((st & (1 << 11)) != 0) {
                    fn = " packet[" + Long.toHexString(vid(vids, num(vma.get("shmid")))) + "]";
                } else if ((st & ((1 << 6) | (1 << 7))) != 0) {
                    fn = " " + fileStr("REG", num(vma.get("shmid")));
                    long pgoff = num(vma.get("pgoff"));
                    if (pgoff != 0) {
                        fn += " + 0x" + Long.toHexString(pgoff);
                    }
                    if ((st & (1 << 7)) != 0) {
                        fn += " (s)";
                    }
                } else if ((st & (1 << 1)) != 0) {
                    fn = " [stack]";
                } else if ((st & (1 << 2)) != 0) {
                    fn = " [vsyscall]";
                } else if ((st & (1 << 3)) != 0) {
                    fn = " [vdso]";
                } else if ((num(vma.get("flags")) & 0x0100) != 0) {
                    fn = " [stack?]";
                } else {
                    fn = "";
                }
                if ((st & 1) == 0) {
                    fn += " *";
                }
                long prot = num(vma.get("prot"));
                String p = ((prot & 1) != 0 ? "r" : "-") + ((prot & 2) != 0 ? "w" : "-") + ((prot & 4) != 0 ? "x" : "-");
                String astr = String.format("%08x-%08x", num(vma.get("start")), num(vma.get("end")));
                out.printf("\t%-36s%s%s%n", astr, p, fn);
            }
        }
    }

    private static long vid(Map<Long, Long> vids, long id) {
        return vids.computeIfAbsent(id, k -> (long) vids.size() + 1);
    }

    @SuppressWarnings("unchecked")
    private void rss() throws ImageException {
        for (Object o : load("pstree.img")) {
            long pid = taskId(map(o), "pid");
            List<Object> vmas = (List<Object>) map(load("mm-" + pid + ".img").get(0)).getOrDefault("vmas", List.of());
            List<Object> pms = load("pagemap-" + pid + ".img");
            out.printf("%d%n", pid);
            int vmi = 0;
            int pvmi = -1;
            for (Object po : pms.subList(1, pms.size())) {
                Map<String, Object> pm = map(po);
                long vaddr = num(pm.get("vaddr"));
                long nr = num(pm.containsKey("nr_pages") ? pm.get("nr_pages") : pm.get("compat_nr_pages"));
                String pstr = String.format("\t%x / %-8d", vaddr, nr);
                while (vmi < vmas.size() && Long.compareUnsigned(num(map(vmas.get(vmi)).get("end")), vaddr) <= 0) {
                    vmi++;
                }
                long pme = vaddr + (nr << 12);
                StringBuilder vstr = new StringBuilder();
                while (vmi < vmas.size() && Long.compareUnsigned(num(map(vmas.get(vmi)).get("start")), pme) < 0) {
                    Map<String, Object> vma = map(vmas.get(vmi));
                    if (vmi == pvmi) {
                        vstr.append(" ~");
                    } else {
                        long start = num(vma.get("start"));
                        vstr.append(String.format(" %08x / %-8d", start, (num(vma.get("end")) - start) >> 12));
                        if ((num(vma.get("status")) & ((1 << 6) | (1 << 7))) != 0) {
                            vstr.append(' ').append(fileStr("REG", num(vma.get("shmid"))));
                        }
                        pvmi = vmi;
                    }
                    vstr.append(String.format("%n\t%23s", ""));
                    vmi++;
                }
                vmi = Math.max(0, vmi - 1);
                out.printf("%-24s%s%n", pstr, vstr);
            }
        }
    }
}
