/**
 * compel: stop a Linux task under ptrace, read and set its registers and memory, run syscalls
 * and a parasite inside it, and leave it exactly as it was found.
 *
 * <h2>Call sequence</h2>
 * <pre>{@code
 * Tracer tracer = Compel.tracer(log);           // one thread for every ptrace call of a tree
 * Tracee t = tracer.seize(pid);                 // PTRACE_SEIZE + INTERRUPT of every thread
 * for (TraceeThread th : t.threads()) {         // leader first
 *     UserRegs regs = th.getRegs();             // user_regs_struct incl. fs_base, orig_rax
 *     XState x = th.getXState();                // NT_X86_XSTATE, raw + parsed header
 *     long mask = th.getSigmask();
 * }
 * long r = t.syscall("getpid");                 // runs in the leader; -errno comes back as value
 * long buf = t.scratch();                       // task memory for pointer arguments
 * SyscallBatch b = new SyscallBatch(t.leader()); // many syscalls run by the task in one stop
 * int failed = b.run();                         // -1, or the index of the op that failed
 * t.readMemory(addr, directBuffer);             // process_vm_readv, /proc/PID/mem fallback
 * try (Parasite p = t.infect()) {              // blob inside the task; close() cures it
 *     PipeFill f = p.vmspliceToPipes(pipes, n, size, addrs, lens, k); // pages pinned, no copy
 * }
 * t.resume();                                   // or detach(AfterDetach.X) or kill()
 * tracer.close();
 * }</pre>
 * {@link org.jcriu.compel.Compel#seize(int)} is the short form with a tracer of its own;
 * {@link org.jcriu.compel.example.Example} is a runnable walk through the whole lifecycle.
 *
 * <h2>Preconditions and guarantees</h2>
 * <ul>
 * <li>The caller may ptrace the task (root, or same uid with ptrace_scope permitting) and nobody
 *     else traces it. The task must not be a {@code Process} child of this JVM: the JDK's reaper
 *     would swallow its ptrace stops.</li>
 * <li>All ptrace requests run on the {@link org.jcriu.compel.Tracer}'s thread; methods called
 *     from other threads hand their work over and wait.</li>
 * <li>Remote syscalls put the registers back afterwards; a thread stopped inside a restartable
 *     syscall (nanosleep, read, futex, poll...) restarts it normally on resume. epoll_wait is
 *     never restarted by the kernel: any stop ends it with EINTR, as with SIGSTOP/SIGCONT.</li>
 * <li>Tasks found in a group-stop stay stopped after {@link org.jcriu.compel.Tracee#resume()}.</li>
 * <li>Remote syscalls and batches run from a code area compel maps in the task (unmapped at
 *     resume), or from one the caller made and hands over with
 *     {@link org.jcriu.compel.Tracee#useArea(long, long)} (never unmapped by compel).</li>
 * <li>Errors: {@link org.jcriu.compel.sys.ErrnoException} (with
 *     {@link org.jcriu.compel.sys.NoSuchProcessException} and
 *     {@link org.jcriu.compel.sys.PermissionDeniedException}) or
 *     {@link org.jcriu.compel.CompelException}; nothing is printed.</li>
 * </ul>
 */
package org.jcriu.compel;
