/**
 * Kernel bindings only the orchestrator needs (compel's org.jcriu.compel.sys has ptrace,
 * process_vm and the rest): pidfd_open/pidfd_getfd ({@link org.jcriu.criu.sys.Pidfd}),
 * pipes, tee, splice, lseek, open_by_handle_at ({@link org.jcriu.criu.sys.Pipes}), the
 * PAGEMAP_SCAN ioctl ({@link org.jcriu.criu.sys.PagemapScan}), process_vm_readv into our
 * own native memory ({@link org.jcriu.criu.sys.ProcessMem}), netlink sock_diag for unix
 * sockets ({@link org.jcriu.criu.sys.SockDiag}), socket options and peeking
 * ({@link org.jcriu.criu.sys.Sockets}), CPUID ({@link org.jcriu.criu.sys.Cpuid}) and a few
 * calls on other tasks ({@link org.jcriu.criu.sys.Trace}: wait4, kill, kcmp,
 * get_robust_list). Two classes hold logic rather than one call each: the bytes in flight on
 * a pty, taken out and put back ({@link org.jcriu.criu.sys.TtyInput},
 * {@link org.jcriu.criu.sys.TtyOutput}). A failed call throws {@link org.jcriu.criu.sys.Errno}, message
 * "call(..) failed with error(N): text". Wrappers are thin: check, throw, nothing else.
 */
package org.jcriu.criu.sys;
