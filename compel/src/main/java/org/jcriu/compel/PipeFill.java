package org.jcriu.compel;

/**
 * What {@link Parasite#vmspliceToPipes} put into the caller's pipes: the ranges' bytes in order,
 * the first pipe's share first. Plain data; the pipes themselves stay the caller's.
 *
 * @param total bytes pinned in all, from the start of the first range
 * @param perPipe bytes in each pipe, in the order the pipes were given (0 for a pipe not reached)
 * @param pipesTaken how many of the pipes reached the task: fewer than given when its fd table
 *     was full (RLIMIT_NOFILE); the pipes after them were not used
 * @param errno 0, or the error of the vmsplice that stopped the fill before the ranges or pipes
 *     ran out: EFAULT at a page the task cannot read (PROT_NONE, write-only), which then starts
 *     at {@code total}
 */
public record PipeFill(long total, long[] perPipe, int pipesTaken, int errno) {
}
