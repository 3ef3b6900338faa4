package org.jcriu.soccr;

/**
 * A listener and one established connection to it, made inside a test namespace: {@code peer}
 * is the connecting end, {@code srv} the accepted one (the socket the tests pause and save).
 * Closing closes the listener and the peer; {@code srv} is the test's to close, since saving
 * with release() already closes it.
 */
@SuppressWarnings("try") // try-with-resources used to scope a namespace switch
record LoopbackPair(int lfd, int peer, int srv) implements AutoCloseable {

    static LoopbackPair open(String ns, byte[] addr) throws ErrnoException {
        try (NetNs in = TestNet.enter(ns)) {
            int lfd = Raw.listen(addr, 0);
            int peer = Raw.connect(addr, Raw.localPort(lfd));
            return new LoopbackPair(lfd, peer, Raw.accept(lfd));
        }
    }

    @Override
    public void close() {
        LibC.close(peer);
        LibC.close(lfd);
    }
}
