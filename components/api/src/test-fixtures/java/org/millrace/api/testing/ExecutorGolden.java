package org.millrace.api.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A golden listing of what an executor writes (each output's files; for a JSON file its top-level
 * keys and its {@code format_version}) stored beside the executor version that wrote it. The check
 * fails when the listing changed while the version stayed: a result cached under the old version
 * would be reused without the change (as models cached before model.onnx existed were). With
 * {@code -Dmillrace.golden.update=true} it rewrites the golden file, but only for a new version.
 * Part files count as one (their number follows the runner's bundles); YAML files give their
 * top-level keys. A test fixture shared by the trainer's tests and e2e-tests
 * (components/api/src/test-fixtures, added to their test sources by build-helper).
 */
public final class ExecutorGolden {
  public static final String UPDATE = "millrace.golden.update";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExecutorGolden() {}

  /** The listing of output directories (or single files) by output name. */
  public static String listing(Map<String, Path> outputs) throws IOException {
    var lines = new ArrayList<String>();
    for (var e : new java.util.TreeMap<>(outputs).entrySet()) {
      try (Stream<Path> walk = Files.walk(e.getValue())) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          String name = f.equals(e.getValue()) ? e.getKey() : e.getKey() + "/" + e.getValue().relativize(f).toString().replace('\\', '/')
              .replaceAll("part-\\d+", "part-*");
          String line = f.toString().endsWith(".json") ? name + " " + jsonShape(f)
              : f.toString().endsWith(".yaml") ? name + " " + yamlShape(f) : name;
          if (!lines.contains(line)) {
            lines.add(line);
          }
        }
      }
    }
    return String.join("\n", lines) + "\n";
  }

  private static String yamlShape(Path f) throws IOException {
    Object tree = new org.yaml.snakeyaml.Yaml().load(Files.readString(f));
    return tree instanceof Map<?, ?> m ? "keys " + new TreeSet<>(m.keySet().stream().map(String::valueOf).toList())
        : "(" + (tree == null ? "empty" : tree.getClass().getSimpleName()) + ")";
  }

  private static String jsonShape(Path f) throws IOException {
    JsonNode tree = JSON.readTree(f.toFile());
    if (!tree.isObject()) {
      return "(" + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
    var keys = new TreeSet<String>();
    tree.fieldNames().forEachRemaining(keys::add);
    return "keys " + keys + (tree.has("format_version") ? " format_version " + tree.get("format_version") : "");
  }

  /**
   * Compares {@code listing}, written by {@code component} at {@code version}, with the golden file
   * (rewriting it under {@link #UPDATE} when the version is new); {@code bump} says where the
   * version is set.
   */
  public static void check(String component, String version, String listing, Path golden, String bump) throws IOException {
    String header = "# What the " + component + " executor writes for its golden test's input (files; JSON: top-level"
        + " keys, format_version).\n# A change here needs a new executor version (" + bump + "), then run its test"
        + " with -D" + UPDATE + "=true\n";
    String expected = header + "executor_version: " + version + "\n" + listing;
    String stored = Files.exists(golden) ? Files.readString(golden) : null;
    String storedVersion = stored == null ? null : stored.lines().filter(l -> l.startsWith("executor_version: "))
        .map(l -> l.substring("executor_version: ".length())).findFirst().orElse(null);
    String storedListing = stored == null ? null : stored.lines().filter(l -> !l.startsWith("#")
        && !l.startsWith("executor_version: ")).map(l -> l + "\n").reduce("", String::concat);
    if (expected.equals(stored)) {
      return;
    }
    if (version.equals(storedVersion) && !listing.equals(storedListing)) {
      fail(component + " executor outputs changed but its executor version stayed " + version + ": results cached"
          + " under version " + version + " would be reused without the change. Bump the version (" + bump
          + "), then regenerate " + golden + " with -D" + UPDATE + "=true.\n" + diff(storedListing, listing));
    }
    if (Boolean.getBoolean(UPDATE)) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, expected);
      return;
    }
    fail(stored == null ? "no golden file " + golden + ": create it with -D" + UPDATE + "=true"
        : component + " executor version " + version + ", golden file " + golden + " at " + storedVersion
            + " (or an older header): regenerate it with -D" + UPDATE + "=true.\n" + diff(storedListing, listing));
  }

  private static String diff(String before, String after) {
    List<String> a = before.lines().toList();
    List<String> b = after.lines().toList();
    var out = new StringBuilder();
    a.stream().filter(l -> !b.contains(l)).forEach(l -> out.append("- ").append(l).append('\n'));
    b.stream().filter(l -> !a.contains(l)).forEach(l -> out.append("+ ").append(l).append('\n'));
    return out.toString();
  }
}
