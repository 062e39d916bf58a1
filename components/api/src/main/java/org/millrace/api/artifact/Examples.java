package org.millrace.api.artifact;

import java.util.Map;
import java.nio.file.Path;
import java.util.List;

/**
 * Tabular examples split into named splits, as Arrow IPC files.
 *
 * <p>Layout: Split-&lt;name&gt;/part-NNNNN.arrow (Arrow IPC file format, one or more record batches each); properties span, version, split_names (comma-separated), row_count_&lt;split&gt;; ingest adds quarantine/ with rejected rows.
 */
public record Examples(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<Examples> TYPE = ArtifactType.of("Examples", Examples.class, Examples::new,
      "Split-<name>/part-NNNNN.arrow (Arrow IPC file format, one or more record batches each); properties span, version, split_names (comma-separated), row_count_<split>; ingest adds quarantine/ with rejected rows.");

  public Examples {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("Examples uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<Examples> type() {
    return TYPE;
  }

  /** Property names. */
  public static final String SPAN = "span";
  public static final String VERSION = "version";
  public static final String SPLIT_NAMES = "split_names";

  /** The split names recorded on the artifact, in order. */
  public List<String> splitNames() {
    String names = stringProperty(SPLIT_NAMES).orElseThrow(() -> new IllegalStateException(
        "Examples property split_names expected a comma-separated list, got nothing in " + uri()));
    return names.isBlank() ? List.of() : List.of(names.split(","));
  }

  /** The directory of one split; fails clearly for an unknown split. */
  public Path splitDir(String split) {
    if (!splitNames().contains(split)) {
      throw new IllegalArgumentException(String.format(
          "split expected one of %s, got '%s' in Examples %s", splitNames(), split, uri()));
    }
    return path().resolve("Split-" + split);
  }

  /** Properties for a new Examples artifact with these splits. */
  public static Map<String, Object> splitProperties(List<String> splits) {
    return Map.of(SPLIT_NAMES, String.join(",", splits));
  }
}
