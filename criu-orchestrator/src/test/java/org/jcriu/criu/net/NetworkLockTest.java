package org.jcriu.criu.net;

import static org.jcriu.criu.net.NetTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Lock and unlock by both methods: the rules appear, go away whole, and unlocking twice is harmless. */
class NetworkLockTest {
    private static final String NAME = "t" + ProcessHandle.current().pid();

    private static List<NetworkLock.Conn> conns() {
        return List.of(
                new NetworkLock.Conn(new SockAddr(NetLib.AF_INET, new byte[] {127, 0, 0, 1}, 1),
                        new SockAddr(NetLib.AF_INET, new byte[] {127, 0, 0, 1}, 2)),
                new NetworkLock.Conn(new SockAddr(NetLib.AF_INET6, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 3),
                        new SockAddr(NetLib.AF_INET6, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 4)));
    }

    @Test
    void iptablesLockHasBothDirectionsOfEveryConnectionAndUnlocksWhole() throws Exception {
        check(NetworkLockMethod.IPTABLES, "JCRIU-" + NAME);
    }

    @Test
    void nftablesLockHasBothDirectionsOfEveryConnectionAndUnlocksWhole() throws Exception {
        check(NetworkLockMethod.NFTABLES, "jcriu-" + NAME);
    }

    @Test
    void skipLocksNothingAndUnknownMethodsAreRefused() throws Exception {
        String before = rules();
        NetworkLock.lock(NetworkLockMethod.SKIP, NAME, conns());
        assertEquals(before, rules());
        assertThrows(IllegalArgumentException.class, () -> NetworkLockMethod.parse("ebtables"));
        assertEquals(NetworkLockMethod.NFTABLES, NetworkLockMethod.parse("nftables"));
    }

    private static void check(NetworkLockMethod m, String what) throws Exception {
        String before = rules();
        try {
            NetworkLock.lock(m, NAME, conns());
            assertTrue(NetworkLock.locked(m, NAME));
            String r = rules();
            assertTrue(r.contains(what), r);
            for (String port : new String[] {"sport 1", "sport 2", "sport 3", "sport 4"}) {
                assertTrue(r.replace("--sport", "sport").contains(port), port + " in " + r);
            }
            assertTrue(r.toLowerCase().contains("c114"), "marked packets pass: " + r);
        } finally {
            NetworkLock.unlock(m, NAME);
        }
        assertFalse(NetworkLock.locked(m, NAME));
        assertEquals(before, rules());
        NetworkLock.unlock(m, NAME); // twice: nothing to do, no error
        assertEquals(before, rules());
    }
}
