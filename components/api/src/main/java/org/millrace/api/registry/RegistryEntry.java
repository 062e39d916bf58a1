package org.millrace.api.registry;

/**
 * One published version in {@code registry.json}.
 *
 * @param modelUri uri of the Model artifact the files came from
 * @param fingerprint SHA-256 over the model files (relative paths and contents)
 * @param pushedAt ISO-8601 instant
 * @param rollbackOf the version re-published by a rollback, or null
 * @param rolledBack whether a later rollback withdrew this version
 */
public record RegistryEntry(int version, String modelUri, String fingerprint, String pushedAt, String reason,
    Integer rollbackOf, boolean rolledBack) {

  /** This entry, withdrawn by a later rollback. */
  public RegistryEntry withRolledBack() {
    return new RegistryEntry(version, modelUri, fingerprint, pushedAt, reason, rollbackOf, true);
  }
}
