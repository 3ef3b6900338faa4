package org.jcriu.criu.net;

import java.util.Locale;

/**
 * CRIU's --network-lock values: how established connections are kept from
 * the network between a dump and the restore. Passed explicitly to
 * {@link InetSockets} by whoever read the option (CLI or RPC).
 */
public enum NetworkLockMethod {
    IPTABLES, NFTABLES, SKIP;

    /** The default when the option is not given. */
    public static final NetworkLockMethod DEFAULT = IPTABLES;

    /** Parses CRIU's name (null means the default); throws IllegalArgumentException for others. */
    public static NetworkLockMethod parse(String s) {
        if (s == null) return DEFAULT;
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "iptables" -> IPTABLES;
            case "nftables" -> NFTABLES;
            case "skip" -> SKIP;
            default -> throw new IllegalArgumentException("--network-lock: unknown method '" + s
                    + "' (iptables, nftables or skip)");
        };
    }
}
