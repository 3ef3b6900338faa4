package org.jcriu.criu.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * A raw fd on an image file being filled out of order: positional splice from a pipe,
 * positional read/write of native memory, and space reservation (fallocate).
 */
public final class ImageFile implements AutoCloseable {
    private static final int NR_PREAD64 = 17, NR_PWRITE64 = 18, NR_OPENAT = 257, NR_FALLOCATE = 285;
    private static final int AT_FDCWD = -100, O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0100, O_TRUNC = 01000;

    private final Fd fd;
    private final String name;

    private ImageFile(Fd fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Creates (or truncates) path for writing, mode 0644 less the umask, as ImageWriter does. */
    public static ImageFile create(java.nio.file.Path path) throws Errno {
        return new ImageFile(openat(path.toString(), O_WRONLY | O_CREAT | O_TRUNC | Pipes.O_CLOEXEC, 0644), path.toString());
    }

    /** Opens path read-only (e.g. /proc/PID/mem). */
    public static ImageFile read(java.nio.file.Path path) throws Errno {
        return new ImageFile(openat(path.toString(), O_RDONLY | Pipes.O_CLOEXEC, 0), path.toString());
    }

    private static Fd openat(String path, int flags, int mode) throws Errno {
        Memory p = new Memory(path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1L);
        p.setString(0, path, "UTF-8");
        return new Fd((int) LibC.sys("open(" + path + ")", NR_OPENAT, AT_FDCWD, Pointer.nativeValue(p), flags, mode, 0, 0));
    }

    public int fd() {
        return fd.fd();
    }

    /**
     * fallocate(fd, 0, 0, len): the blocks are the file's from now on, so writing the
     * content later cannot fail for want of space.
     */
    public void reserve(long len) throws Errno {
        if (len > 0) LibC.sys("fallocate(" + name + ")", NR_FALLOCATE, fd.fd(), 0, 0, len, 0, 0);
    }

    /**
     * Moves exactly len bytes from the pipe into the file at offset pos (short splices looped
     * over). Safe from several threads at once on different ranges.
     */
    public void spliceFrom(int pipe, long pos, long len) throws Errno {
        long left = len;
        Memory off = new Memory(8);
        off.setLong(0, pos);
        while (left > 0) {
            long n;
            try {
                n = LibC.splice(pipe, null, fd.fd(), off, left, Pipes.SPLICE_F_MOVE);
            } catch (com.sun.jna.LastErrorException e) {
                throw new Errno("splice(pipe -> " + name + ")", e.getErrorCode());
            }
            if (n <= 0) throw new Errno("splice(pipe -> " + name + ") with " + left + " bytes left", Errno.EIO);
            left -= n;
        }
    }

    /** pread(fd, buf, len, pos): bytes read (short at the end of what can be read). */
    public long pread(Pointer buf, long len, long pos) throws Errno {
        return LibC.sys("pread(" + name + ")", NR_PREAD64, fd.fd(), Pointer.nativeValue(buf), len, pos, 0, 0);
    }

    /** Writes exactly len bytes of buf at pos. */
    public void pwriteAll(Pointer buf, long len, long pos) throws Errno {
        long done = 0;
        while (done < len) {
            long n = LibC.sys("pwrite(" + name + ")", NR_PWRITE64, fd.fd(), Pointer.nativeValue(buf) + done,
                    len - done, pos + done, 0, 0);
            if (n <= 0) throw new Errno("pwrite(" + name + ")", Errno.EIO);
            done += n;
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
