/**
 * criu dump: a live process tree into CRIU 4.x images.
 *
 * <pre>
 *   DumpStats s = Dumper.dump(DumpOptions.of(pid, dir));            // kill after the dump
 *   Dumper.dump(DumpOptions.of(pid, dir).leaveRunning(true));       // or let it run on
 * </pre>
 *
 * Call sequence inside {@link org.jcriu.criu.dump.Dumper}: freeze the tree with compel
 * ({@code Freezer}), collect ids and namespaces, per task: registers ({@code ThreadRegs}),
 * remote syscalls for what only the task knows ({@code TaskProbe}), fds
 * ({@code FdDumper}), memory ({@code MemoryDumper}, {@code ShmemDumper}); then the common
 * images, stats-dump, and kill or resume. Any failure after the freeze releases the tree
 * unchanged and throws {@link org.jcriu.criu.dump.DumpException} with one line naming the
 * task and the fd or area. Precondition: run as root; the victims must not be children of
 * this JVM (the JDK's process reaper would take their ptrace stops).
 * {@link org.jcriu.criu.dump.KernelCheck} is {@code criu check}.
 */
package org.jcriu.criu.dump;
