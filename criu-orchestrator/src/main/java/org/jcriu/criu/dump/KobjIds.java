package org.jcriu.criu.dump;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcriu.criu.proc.Namespaces;
import org.jcriu.criu.sys.Errno;
import org.jcriu.criu.sys.Trace;
import org.jcriu.images.proto.TaskKobjIdsEntry;

/**
 * The ids of ids-PID.img and inventory's root ids: kernel objects (vm, files,
 * fs, sighand) numbered so that tasks sharing one (kcmp says so) get the same
 * id, and namespaces numbered from the dumper's own, in CRIU's order.
 */
final class KobjIds {
    static final String[] NS_ORDER = {"pid", "net", "ipc", "uts", "time", "mnt", "user", "cgroup"};

    private final Map<String, Integer> nsIds = new LinkedHashMap<>();
    private final Map<String, Integer> kobjNext = new HashMap<>();
    private final List<int[]> kobjSeen = new ArrayList<>(); // {type, pid, id}
    private int nextNsId = 1;
    private final int self = (int) ProcessHandle.current().pid();

    /** Our own namespaces take the first ids, as in CRIU's inventory. */
    KobjIds() throws IOException {
        for (String k : NS_ORDER) nsId(self, k);
    }

    /** Refuses a task in a namespace other than ours: jcriu cannot save namespaces yet. */
    void checkSameNamespaces(int pid) throws DumpException, IOException {
        for (String kind : NS_ORDER) {
            long mine = Namespaces.inode(self, kind), theirs = Namespaces.inode(pid, kind);
            if (mine != theirs) {
                throw new DumpException("task " + pid + ": is in another " + kind + " namespace (" + kind + ":[" + theirs
                        + "]), which jcriu cannot save yet");
            }
        }
    }

    int nsId(int pid, String kind) throws IOException {
        long ino = Namespaces.inode(pid, kind);
        String key = kind + ":" + ino;
        Integer id = nsIds.get(key);
        if (id == null) {
            id = nextNsId++;
            nsIds.put(key, id);
        }
        return id;
    }

    /** Kernel-object ids (vm, files, fs, sighand): equal when kcmp says the tasks share the object. */
    private int kobjId(int type, int pid) throws Errno {
        for (int[] s : kobjSeen) {
            if (s[0] == type && Trace.kcmp(s[1], pid, type, 0, 0) == 0) return s[2];
        }
        int id = kobjNext.merge(Integer.toString(type), 1, Integer::sum) + 1; // 1 is the dumper's own
        kobjSeen.add(new int[] {type, pid, id});
        return id;
    }

    TaskKobjIdsEntry ids(int pid) throws IOException {
        return namespaces(TaskKobjIdsEntry.newBuilder().setVmId(kobjId(Trace.KCMP_VM, pid)).setFilesId(kobjId(Trace.KCMP_FILES, pid))
                .setFsId(kobjId(Trace.KCMP_FS, pid)).setSighandId(kobjId(Trace.KCMP_SIGHAND, pid)), pid);
    }

    /** inventory's root_ids: the dumper's own objects (id 1) and namespaces. */
    TaskKobjIdsEntry rootIds() throws IOException {
        return namespaces(TaskKobjIdsEntry.newBuilder().setVmId(1).setFilesId(1).setFsId(1).setSighandId(1), self);
    }

    private TaskKobjIdsEntry namespaces(TaskKobjIdsEntry.Builder b, int pid) throws IOException {
        return b.setPidNsId(nsId(pid, "pid")).setNetNsId(nsId(pid, "net")).setIpcNsId(nsId(pid, "ipc"))
                .setUtsNsId(nsId(pid, "uts")).setMntNsId(nsId(pid, "mnt")).setUserNsId(nsId(pid, "user"))
                .setCgroupNsId(nsId(pid, "cgroup")).setTimeNsId(nsId(pid, "time")).build();
    }
}
