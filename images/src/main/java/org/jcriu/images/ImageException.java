package org.jcriu.images;

import java.io.IOException;

/**
 * A CRIU image could not be read or written: the file, the byte offset and
 * the problem, in one line ({@code "FILE: offset N: problem"}).
 *
 * <p>This is the only exception the readers and decoders of this package let
 * escape for bad input: wrong or unknown magic, truncated entries, absurd
 * length prefixes, garbage protobuf, missing files, and I/O errors.
 */
public final class ImageException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;
    private final String problem;

    /**
     * @param file the image file (a path or a name such as {@code "<stdin>"})
     * @param offset byte offset in the file where the problem lies, or -1 if
     *        no offset applies (e.g. a missing file)
     * @param problem what is wrong, in a few words
     */
    public ImageException(String file, long offset, String problem) {
        this(file, offset, problem, null);
    }

    /**
     * @param file the image file
     * @param offset byte offset, or -1
     * @param problem what is wrong
     * @param cause the underlying exception, kept for --verbose output
     */
    public ImageException(String file, long offset, String problem, Throwable cause) {
        super(format(file, offset, problem), cause);
        this.file = file;
        this.offset = offset;
        this.problem = problem;
    }

    private static String format(String file, long offset, String problem) {
        return offset >= 0 ? file + ": offset " + offset + ": " + problem : file + ": " + problem;
    }

    /** @return the image file named in the message */
    public String file() {
        return file;
    }

    /** @return the byte offset of the problem, or -1 if none applies */
    public long offset() {
        return offset;
    }

    /** @return the problem without file and offset */
    public String problem() {
        return problem;
    }
}
