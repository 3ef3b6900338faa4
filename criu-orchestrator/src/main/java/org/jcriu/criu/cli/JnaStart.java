package org.jcriu.criu.cli;

/**
 * What JNA is told before its first use in a criu run.
 *
 * <p>Unless the system property {@code jna.platform.library.path} is set, JNA's
 * {@code NativeLibrary} class initializer builds its default search path by
 * running {@code /sbin/ldconfig -p} (a posix_spawn of jspawnhelper, then an exec
 * of ldconfig, then reading its output): 15 to 70 ms of a short run, on the
 * thread whose JNA start the dump and the restore wait for. jcriu binds only the
 * C library, which JNA takes from the process itself (dlopen of the running
 * libc) without searching any path, so the directories given here are only
 * JNA's fallback for a library named without a path: the usual multiarch and
 * plain library directories, the first entries of JNA's own default.
 */
final class JnaStart {
    static final String PLATFORM_PATH = "jna.platform.library.path";

    private JnaStart() {}

    /** Sets JNA's platform search path, unless the user gave one; call before any JNA class initializes. */
    static void skipLdconfig() {
        if (System.getProperty(PLATFORM_PATH) != null) return;
        System.setProperty(PLATFORM_PATH, defaultPath(System.getProperty("os.arch")));
    }

    /** The multiarch directories of this architecture, then the plain ones. */
    static String defaultPath(String osArch) {
        String triplet = switch (osArch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            default -> null;
        };
        String plain = "/usr/lib64:/lib64:/usr/lib:/lib";
        return triplet == null ? plain : "/usr/lib/" + triplet + ":/lib/" + triplet + ":" + plain;
    }
}
