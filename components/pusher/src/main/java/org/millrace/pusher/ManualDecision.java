package org.millrace.pusher;

/**
 * A manual bless or rollback, for the CLI to record as an execution in the metadata store.
 *
 * @param kind {@code bless} or {@code rollback}
 * @param modelUri the model concerned (for rollback: the model of the target version)
 * @param output the written directory: the ModelBlessing dir, or the new version dir
 * @param version the new version for a rollback, null for bless
 * @param rollbackOf the re-published version for a rollback, null for bless
 */
public record ManualDecision(String kind, String modelUri, String output, Integer version, Integer rollbackOf,
    String reason, String decidedAt) {}
