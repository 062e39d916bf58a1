package org.millrace.api.artifact;

import java.util.Map;

/**
 * Whether a candidate model passed validation, with every check.
 *
 * <p>Layout: blessing.json; property blessed (1 or 0).
 */
public record ModelBlessing(String uri, Map<String, Object> properties) implements Artifact {
  public static final ArtifactType<ModelBlessing> TYPE = ArtifactType.of("ModelBlessing", ModelBlessing.class, ModelBlessing::new,
      "blessing.json; property blessed (1 or 0).");

  public ModelBlessing {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("ModelBlessing uri expected a path, got '" + uri + "'");
    }
    properties = Props.copy(properties);
  }

  @Override
  public ArtifactType<ModelBlessing> type() {
    return TYPE;
  }

  /** Property name of the blessed flag (1 blessed, 0 not). */
  public static final String BLESSED = "blessed";

  /** Whether the model was blessed. */
  public boolean blessed() {
    return longProperty(BLESSED).orElse(0L) == 1L;
  }
}
