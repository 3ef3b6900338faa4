package org.jcriu.compel;

/**
 * One signal's disposition as the kernel keeps it ({@code struct sigaction} of rt_sigaction):
 * <pre>
 * struct sigaction { void *sa_handler; unsigned long sa_flags; void *sa_restorer; sigset_t sa_mask; };
 * </pre>
 *
 * @param signo the signal, 1..64
 * @param handler SIG_DFL (0), SIG_IGN (1) or the handler's address
 * @param flags SA_ flags
 * @param restorer the sa_restorer address
 * @param mask signals blocked while the handler runs
 */
public record Sigaction(int signo, long handler, long flags, long restorer, long mask) {
}
