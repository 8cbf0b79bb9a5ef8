package dev.loca.train.cli;

import picocli.CommandLine;

/** The version line of {@code loca --version}. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = LocaMain.class.getPackage().getImplementationVersion();
    return new String[] {"loca " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
  }
}
