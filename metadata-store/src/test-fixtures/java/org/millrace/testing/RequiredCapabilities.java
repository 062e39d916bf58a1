package org.millrace.testing;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether a test whose capability (opencl, postgres, chromium) is missing here skips or fails:
 * it fails when the capability is listed in the environment variable {@code MILLRACE_REQUIRE} or
 * the system property {@code millrace.require} (comma-separated, or {@code all}), as {@code .ci/run}
 * sets them, so that CI cannot pass by skipping; elsewhere it skips with the reason.
 */
public final class RequiredCapabilities {
  private RequiredCapabilities() {}

  /** The capabilities required here: {@code MILLRACE_REQUIRE} and {@code millrace.require} together. */
  public static Set<String> required() {
    String both = System.getenv().getOrDefault("MILLRACE_REQUIRE", "") + ","
        + System.getProperty("millrace.require", "");
    return Arrays.stream(both.split(","))
        .map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

  /** Skips the test (or fails it, where {@code capability} is required) unless {@code available}. */
  public static void assume(String capability, boolean available, String reason) {
    if (available) {
      return;
    }
    Set<String> required = required();
    if (required.contains(capability) || required.contains("all")) {
      Assertions.fail("required capability '" + capability + "' (MILLRACE_REQUIRE=" + String.join(",", required)
          + ") is missing: " + reason);
    }
    Assumptions.abort(reason);
  }
}
