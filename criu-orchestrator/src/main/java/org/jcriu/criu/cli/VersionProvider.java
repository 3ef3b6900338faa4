package org.jcriu.criu.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the product version the way CRIU does ("Version: X"). */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = CriuMain.class.getPackage().getImplementationVersion();
        return new String[] {"Version: " + (v == null ? "dev" : v) + " (jcriu)"};
    }
}
