package org.millrace.pipelines.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.millrace.api.artifact.ArtifactTypes;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactState;
import org.millrace.metadata.Value;

/** Conversions between stored artifacts and the typed artifacts executors see. */
public final class Artifacts {
  private Artifacts() {}

  /** The typed artifact for a stored one; its custom properties become the artifact's properties. */
  public static org.millrace.api.artifact.Artifact toApi(Artifact stored) {
    var props = new LinkedHashMap<String, Object>();
    stored.customProperties().forEach((k, v) -> props.put(k, v.raw()));
    return ArtifactTypes.create(stored.type(), stored.uri(), props);
  }

  /**
   * As {@link #toApi(Artifact)}, a type that is not built in (a custom component's) built by the
   * type the consuming input declares: a node reading a custom artifact type threw, and with it the
   * whole run ("node launch threw instead of recording a failure").
   */
  public static org.millrace.api.artifact.Artifact toApi(Artifact stored,
      org.millrace.api.artifact.ArtifactType<?> declared) {
    if (ArtifactTypes.byName(stored.type()).isPresent() || !declared.name().equals(stored.type())) {
      return toApi(stored);
    }
    var props = new LinkedHashMap<String, Object>();
    stored.customProperties().forEach((k, v) -> props.put(k, v.raw()));
    return declared.create(stored.uri(), props);
  }

  /** A new LIVE stored artifact of this type, uri and properties. */
  public static Artifact toStore(String type, String uri, Map<String, Object> properties) {
    var custom = new LinkedHashMap<String, Value>();
    properties.forEach((k, v) -> custom.put(k, Value.ofObject(v)));
    return Artifact.create(type, uri, ArtifactState.LIVE, Map.of(), custom);
  }

  /** Whether the artifact's files are still on disk. */
  public static boolean filesExist(Artifact a) {
    return a.state() == ArtifactState.LIVE && Files.exists(Path.of(a.uri()));
  }

  public static String fingerprint(Artifact a) {
    Value v = a.customProperties().get(Keys.FINGERPRINT);
    return v == null ? "" : String.valueOf(v.raw());
  }
}
