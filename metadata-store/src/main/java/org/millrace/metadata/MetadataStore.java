package org.millrace.metadata;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The lineage store. Implementations are thread-safe, and several processes may write to one
 * store concurrently. Open one with {@link MetadataStores}.
 */
public interface MetadataStore extends AutoCloseable {

  /** Registers a type (idempotent by kind and name; new properties are added, changed ones rejected). */
  StoreType putType(StoreType type);

  Optional<StoreType> getType(TypeKind kind, String name);

  /**
   * Atomically stores an execution (insert, or update when it has an id), its artifacts (insert or
   * update) with their events, and its contexts (created when missing, by type and name), plus the
   * attributions and associations linking them.
   */
  PutExecutionResult putExecution(Execution execution, List<ArtifactAndEvent> artifacts, List<Context> contexts);

  /** Inserts or updates one artifact. */
  long putArtifact(Artifact artifact);

  /** Inserts or updates one execution (e.g. a state change). */
  long putExecution(Execution execution);

  /** Returns the context with this type and name, creating it if missing. */
  Context putContext(Context context);

  /**
   * Sets the given properties of an existing context (those it does not name are kept), as a run's
   * context records when its process started and ended it; returns the context as stored.
   *
   * @throws IllegalArgumentException when no context of that type and name exists
   */
  Context updateContext(Context context);

  Optional<Artifact> getArtifact(long id);

  List<Artifact> getArtifacts(Collection<Long> ids);

  List<Artifact> getArtifacts(ArtifactQuery query);

  Optional<Execution> getExecution(long id);

  List<Execution> getExecutions(Collection<Long> ids);

  List<Execution> getExecutions(ExecutionQuery query);

  Optional<Context> getContext(long id);

  Optional<Context> getContext(String type, String name);

  List<Context> getContexts(String type);

  List<Context> getContextsByArtifact(long artifactId);

  List<Context> getContextsByExecution(long executionId);

  List<Event> getEventsByArtifactIds(Collection<Long> artifactIds);

  List<Event> getEventsByExecutionIds(Collection<Long> executionIds);

  /** A bounded lineage subgraph; one query per hop. */
  LineageGraph lineage(LineageQuery query);

  @Override
  void close();
}
