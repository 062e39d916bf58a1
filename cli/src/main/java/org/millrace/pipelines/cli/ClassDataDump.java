package org.millrace.pipelines.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launchers' class-data archive (their {@code libexec/class-data.bash}): the first command of a
 * kind writes the classes it loaded to an archive as its JVM exits, and names that archive in the
 * system property {@value #PROPERTY}. The archive is kept only if the command marks it here: a
 * command that succeeded (or a server that is serving) has loaded the classes its kind needs, while
 * one that failed on a typo may have loaded a handful, and its archive would hold later commands to
 * that handful.
 */
final class ClassDataDump {
  /** The archive this JVM writes at exit, set by the launcher. */
  static final String PROPERTY = "millrace.class-data.dump";

  private ClassDataDump() {}

  /** Marks this JVM's archive as worth keeping ({@code <archive>.ok}); nothing without the property. */
  static void keep() {
    String dump = System.getProperty(PROPERTY);
    if (dump == null || dump.isEmpty()) {
      return;
    }
    try {
      Files.write(Path.of(dump + ".ok"), new byte[0]);
    } catch (IOException | RuntimeException e) {
      // Not kept: a later command writes another archive. Nothing the user needs to know.
    }
  }
}
