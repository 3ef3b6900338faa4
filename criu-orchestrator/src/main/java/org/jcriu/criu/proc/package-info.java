/**
 * Parsers of /proc for dump and restore. Each parser has a {@code parse(String)} for the
 * file's text (tests feed it samples) and a {@code read(pid...)} for the live file:
 * {@link org.jcriu.criu.proc.ProcStat} (stat), {@link org.jcriu.criu.proc.ProcStatus}
 * (status), {@link org.jcriu.criu.proc.ProcMaps} and {@link org.jcriu.criu.proc.Vma} (maps,
 * smaps with VmFlags), {@link org.jcriu.criu.proc.Fdinfo} (fdinfo of every fd kind),
 * {@link org.jcriu.criu.proc.Mountinfo}, {@link org.jcriu.criu.proc.Namespaces} (ns links),
 * {@link org.jcriu.criu.proc.PosixTimers} (timers), {@link org.jcriu.criu.proc.ProcMisc}
 * (auxv, personality, limits, cgroup, loginuid, oom_score_adj, comm, cwd/root/exe) and
 * {@link org.jcriu.criu.proc.ProcFs} (tasks, children, fds).
 */
package org.jcriu.criu.proc;
