package org.jcriu.criu.dump;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jcriu.criu.proc.ProcStat;

/** One process of the dumped tree, as found and frozen. */
final class TaskNode {
    final int pid;
    final TaskNode parent;
    final List<TaskNode> children = new ArrayList<>();
    /** Threads seized (for a zombie: none). */
    final Set<Integer> threads = new LinkedHashSet<>();
    ProcStat stat;
    boolean zombie;
    /** The task was in group stop before we came (restored stopped). */
    boolean stopped;
    int stopSignal;
    /** compel's handle on the stopped process (null for a zombie). */
    org.jcriu.compel.Tracee tracee;

    TaskNode(int pid, TaskNode parent) {
        this.pid = pid;
        this.parent = parent;
    }

    /** Threads in the order CRIU lists them: the leader first, then ascending. */
    List<Integer> threadList() {
        List<Integer> l = new ArrayList<>(threads);
        l.sort(null);
        if (l.remove(Integer.valueOf(pid))) l.add(0, pid);
        if (zombie && l.isEmpty()) l.add(pid);
        return l;
    }

    @Override
    public String toString() {
        return "task " + pid;
    }
}
