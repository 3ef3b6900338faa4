/**
 * soccr: save a live TCP connection into a plain value and rebuild it on a new
 * socket, in this process or elsewhere, without the peer noticing. Built on
 * the kernel's TCP repair mode (TCP_REPAIR and friends, Linux 4.x+).
 *
 * <h2>API</h2>
 * <ul>
 * <li>{@link org.jcriu.soccr.Soccr#pause(int)} gives a {@link org.jcriu.soccr.PausedSocket}
 *     (the live handle: repair mode on).</li>
 * <li>{@link org.jcriu.soccr.PausedSocket#save()} gives a {@link org.jcriu.soccr.TcpConnectionState}
 *     (the plain immutable value); {@code toBytes()}/{@code fromBytes()} ship it.</li>
 * <li>{@link org.jcriu.soccr.PausedSocket#release()} closes without FIN or RST;
 *     {@link org.jcriu.soccr.PausedSocket#resume()} lets the original socket go on;
 *     {@code close()} resumes unless one of the two was called.</li>
 * <li>{@link org.jcriu.soccr.Soccr#restore(TcpConnectionState, RestoreOptions)} and
 *     {@link org.jcriu.soccr.Soccr#restoreAll} give {@link org.jcriu.soccr.RestoredSocket}s:
 *     a raw fd, or a jnr-enxio {@code NativeSocketChannel} via {@code channel()}.</li>
 * <li>Errors: {@link org.jcriu.soccr.SoccrException}; errno failures are
 *     {@link org.jcriu.soccr.ErrnoException} ({@code "call(..) failed with error(N): text"}),
 *     {@link org.jcriu.soccr.PermissionDeniedException} for EPERM/EACCES;
 *     {@link org.jcriu.soccr.UnsupportedSocketException} (UDP, LISTEN, unsupported state),
 *     {@link org.jcriu.soccr.NotInRepairModeException}.</li>
 * <li>Logging goes to the caller's {@link org.jcriu.soccr.SoccrLogger}; nothing is printed.</li>
 * </ul>
 *
 * <h2>Preconditions</h2>
 * <ul>
 * <li>CAP_NET_ADMIN in the network namespace of the socket (save) and of the new
 *     socket (restore); otherwise {@code PermissionDeniedException}.</li>
 * <li>A connected TCP socket (IPv4 or IPv6) in ESTABLISHED, FIN_WAIT1, FIN_WAIT2,
 *     CLOSE_WAIT, LAST_ACK or CLOSING. LISTEN, SYN_*, TIME_WAIT, CLOSE and non-TCP
 *     sockets are refused.</li>
 * <li>Network lock: from pause until the restored socket exists, the peer's
 *     segments must not reach this host's stack (a segment accepted by the paused
 *     socket is lost with it; one arriving when no socket exists draws a RST).
 *     Drop them with a firewall rule or take the interface down; let through
 *     packets marked 0xC114, which soccr uses to replay a peer's FIN.</li>
 * <li>At restore the 4-tuple must be free in the target namespace (the saved
 *     socket released, every other fd of it closed) and the local address must be
 *     configured there with a route to the peer.</li>
 * <li>Neither side of the value may be changed by the application while paused:
 *     no other thread may read, write or close the fd.</li>
 * </ul>
 *
 * <h2>Checkpoint sequence</h2>
 * <pre>
 * lock the network for the connection
 * pause(fd):
 *     getsockopt(TCP_INFO)                      -- TCP? state repairable? (else typed error)
 *     setsockopt(TCP_REPAIR, 1)                 -- EPERM without CAP_NET_ADMIN
 * save():
 *     getsockopt(TCP_REPAIR_WINDOW)             -- snd_wl1 snd_wnd max_window rcv_wnd rcv_wup;
 *                                                  EPERM here means "not in repair mode"
 *     getsockopt(TCP_INFO)                      -- state, wscale, SACK, timestamps negotiated
 *     getsockname, getpeername                  -- addresses and ports
 *     ioctl(SIOCINQ), ioctl(SIOCOUTQ), ioctl(SIOCOUTQNSD)   -- queue sizes, unsent part
 *     setsockopt(TCP_REPAIR_QUEUE, RECV); getsockopt(TCP_QUEUE_SEQ) = rcv_nxt
 *     recv(MSG_PEEK)                            -- receive queue bytes
 *     setsockopt(TCP_REPAIR_QUEUE, SEND); getsockopt(TCP_QUEUE_SEQ) = write_seq
 *     recv(MSG_PEEK)                            -- whole send queue (unacked + unsent)
 *     getsockopt(TCP_MAXSEG)                    -- in repair mode: the MSS clamp
 *     getsockopt(TCP_TIMESTAMP)                 -- if timestamps: clock + offset
 *     SO_SNDBUF, SO_RCVBUF, TCP_NODELAY, TCP_CORK, SO_KEEPALIVE (+ KEEPIDLE/INTVL/CNT if on)
 * release():  close(fd) in repair mode          -- no FIN, no RST
 * </pre>
 *
 * <h2>Restore sequence</h2>
 * <pre>
 * [setns(target netns)] socket(AF_INET[6], SOCK_STREAM) [raw socket if a peer FIN must be replayed] [setns(back)]
 * setsockopt(TCP_REPAIR, 1)
 * SO_SNDBUFFORCE, SO_RCVBUFFORCE               -- before any refill, or the refill blocks
 * TCP_REPAIR_QUEUE=RECV, TCP_QUEUE_SEQ = rcv_nxt - len(recvq) - peer FIN
 * TCP_REPAIR_QUEUE=SEND, TCP_QUEUE_SEQ = write_seq - len(sendq) - our FIN
 * bind(local); connect(remote)                 -- repair: ESTABLISHED, nothing sent
 * TCP_REPAIR_OPTIONS: MSS, WINDOW(snd|rcv&lt;&lt;16), SACK_PERM, TIMESTAMP  -- before any data
 * TCP_TIMESTAMP = saved value
 * send(sent-unacked part) with queue SEND      -- counted as sent; retransmitted by the timer
 * TCP_REPAIR_QUEUE=RECV; send(receive queue)   -- lands in the receive queue
 * CLOSE_WAIT/LAST_ACK: replay the peer's FIN (raw, marked 0xC114)
 * FIN_WAIT1/FIN_WAIT2/LAST_ACK/CLOSING: queue SEND; shutdown(SHUT_WR) -- our FIN, not transmitted
 * CLOSING: replay the peer's FIN
 * TCP_REPAIR_WINDOW                            -- after the receive queue (rcv_wup &lt;= rcv_nxt)
 * TCP_NODELAY, SO_KEEPALIVE + timers, TCP_CORK
 * setsockopt(TCP_REPAIR, 0)                    -- window probe (or -1: none)
 * send(unsent part)                            -- as ordinary data
 * unlock the network
 * </pre>
 *
 * <p>{@link org.jcriu.soccr.Example} is a runnable walk through the whole cycle.
 */
package org.jcriu.soccr;
