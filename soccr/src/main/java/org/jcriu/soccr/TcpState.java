package org.jcriu.soccr;

/** TCP states with the kernel's numbering (include/net/tcp_states.h). */
public enum TcpState {
    ESTABLISHED(1), SYN_SENT(2), SYN_RECV(3), FIN_WAIT1(4), FIN_WAIT2(5), TIME_WAIT(6),
    CLOSE(7), CLOSE_WAIT(8), LAST_ACK(9), LISTEN(10), CLOSING(11), NEW_SYN_RECV(12);

    private final int kernel;

    TcpState(int kernel) {
        this.kernel = kernel;
    }

    /** The value in tcp_info.tcpi_state. */
    public int kernelValue() {
        return kernel;
    }

    /** The state for a tcpi_state value; throws for unknown values. */
    public static TcpState ofKernel(int value) {
        for (TcpState s : values()) {
            if (s.kernel == value) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown TCP state " + value);
    }

    /** Whether soccr can save and restore a socket in this state. */
    public boolean isRepairable() {
        switch (this) {
            case ESTABLISHED: case FIN_WAIT1: case FIN_WAIT2: case CLOSE_WAIT: case LAST_ACK: case CLOSING:
                return true;
            default:
                return false;
        }
    }

    /** Whether this side has queued its FIN (it then counts in the send sequence). */
    public boolean finSent() {
        return this == FIN_WAIT1 || this == FIN_WAIT2 || this == LAST_ACK || this == CLOSING;
    }

    /** Whether the peer's FIN was received (it then counts in the receive sequence). */
    public boolean finReceived() {
        return this == CLOSE_WAIT || this == LAST_ACK || this == CLOSING;
    }
}
