package org.jcriu.criu.proc;

import java.util.Set;

/**
 * One line of /proc/PID/maps, plus the VmFlags of its smaps entry when read
 * from smaps ("rd wr mr mw me ac sd" ...; empty when read from maps).
 *
 * @param start first byte
 * @param end one past the last byte
 * @param read  'r' in perms
 * @param write 'w' in perms
 * @param exec  'x' in perms
 * @param shared 's' in perms (MAP_SHARED), else 'p'
 * @param pgoff file offset in bytes
 * @param devMajor device major of the backing file
 * @param devMinor device minor of the backing file
 * @param inode inode of the backing file, 0 for anonymous
 * @param path the pathname column: a file, "[heap]", "[stack]", "[vdso]", "[vvar]",
 *             "[vvar_vclock]", "[vsyscall]", "/dev/zero (deleted)", "/memfd:x (deleted)",
 *             "/SYSV00000000 (deleted)", or "" for anonymous memory
 * @param vmFlags two-letter VmFlags codes from smaps
 */
public record Vma(long start, long end, boolean read, boolean write, boolean exec, boolean shared,
                  long pgoff, int devMajor, int devMinor, long inode, String path, Set<String> vmFlags) {

    /** Size in bytes. */
    public long size() {
        return end - start;
    }

    /** Pages in the area. */
    public long pages() {
        return (end - start) >>> 12;
    }

    /** True for a "[name]" pseudo-path. */
    public boolean isSpecial() {
        return path.startsWith("[");
    }

    /** True when the pathname ends in " (deleted)". */
    public boolean deleted() {
        return path.endsWith(" (deleted)");
    }

    /** The path without " (deleted)". */
    public String cleanPath() {
        return deleted() ? path.substring(0, path.length() - " (deleted)".length()) : path;
    }

    /** True when backed by a file (inode != 0), including shmem-backed ones. */
    public boolean fileBacked() {
        return inode != 0;
    }

    /** Anonymous memory: no inode and not a special kernel area (heap and stack count as anonymous). */
    public boolean anonymous() {
        return inode == 0 && (!isSpecial() || path.equals("[heap]") || path.startsWith("[stack"));
    }

    /** True if smaps marked the area with this VmFlags code. */
    public boolean hasFlag(String code) {
        return vmFlags.contains(code);
    }

    /** The "start-end" form used in maps and in error messages. */
    public String range() {
        return Long.toHexString(start) + "-" + Long.toHexString(end);
    }
}
