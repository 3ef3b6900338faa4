/**
 * Raw kernel bindings used by compel: one class per concept ({@link org.jcriu.compel.sys.Ptrace},
 * {@link org.jcriu.compel.sys.Wait}, {@link org.jcriu.compel.sys.ProcessVm},
 * {@link org.jcriu.compel.sys.Mman}, {@link org.jcriu.compel.sys.Prctl},
 * {@link org.jcriu.compel.sys.Uio}, {@link org.jcriu.compel.sys.Splice},
 * {@link org.jcriu.compel.sys.Socket}, {@link org.jcriu.compel.sys.Signal},
 * {@link org.jcriu.compel.sys.Fcntl}, {@link org.jcriu.compel.sys.Pidfd},
 * {@link org.jcriu.compel.sys.Poll}), constants under their C names.
 *
 * <p>Every call goes through glibc's {@code syscall(2)} by JNA direct mapping in
 * {@link org.jcriu.compel.sys.Kernel}; errno is read right at the call and a failure becomes an
 * {@link org.jcriu.compel.sys.ErrnoException} ({@code "call(..) failed with error(N): text"}),
 * a {@link org.jcriu.compel.sys.NoSuchProcessException} for ESRCH or a
 * {@link org.jcriu.compel.sys.PermissionDeniedException} for EPERM/EACCES. Syscall numbers come
 * from jcriu's one table ({@link org.jcriu.compel.sys.Syscalls}). Pointers are plain {@code long}
 * native addresses; {@link org.jcriu.compel.sys.Kernel#address} gives that of a direct buffer.
 * Nothing here keeps state except small per-thread scratch buffers.
 */
package org.jcriu.compel.sys;
