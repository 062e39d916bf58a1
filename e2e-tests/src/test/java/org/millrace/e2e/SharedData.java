package org.millrace.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.millrace.testing.RequiredCapabilities;

/**
 * The project's shared real data sets (flights, fashion-mnist: too large to commit twice), beside
 * the checkout as {@code ../shared/data}, or where the system property {@code millrace.shared.data}
 * or the environment variable {@code MILLRACE_SHARED_DATA} says. Where there is none, a test that
 * needs it skips with the reason, or fails under {@code MILLRACE_REQUIRE=shared-data}.
 */
final class SharedData {
  private SharedData() {}

  /** {@code relative} under the shared data folder; skips (or fails) the test when it is not there. */
  static Path file(String relative) {
    String given = System.getProperty("millrace.shared.data", System.getenv("MILLRACE_SHARED_DATA"));
    Path dir = given != null && !given.isBlank() ? Path.of(given)
        : MillraceProcess.repositoryRoot().resolve("../shared/data").normalize();
    Path file = dir.resolve(relative);
    RequiredCapabilities.assume("shared-data", Files.isRegularFile(file), file + " is missing: the shared data sets"
        + " are expected in ../shared/data beside the checkout, or where -Dmillrace.shared.data or"
        + " MILLRACE_SHARED_DATA says");
    return file;
  }
}
