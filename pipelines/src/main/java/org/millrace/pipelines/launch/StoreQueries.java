package org.millrace.pipelines.launch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.millrace.api.artifact.Examples;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.Context;
import org.millrace.metadata.Event;
import org.millrace.metadata.EventType;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionQuery;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.PropertyFilter;
import org.millrace.metadata.Value;

/** The metadata-store questions the launcher and the CLI ask. */
public final class StoreQueries {
  private static final int SCAN = 200;
  private final MetadataStore store;

  public StoreQueries(MetadataStore store) {
    this.store = store;
  }

  public MetadataStore store() {
    return store;
  }

  /** Executions of a node, newest first, optionally only these states. */
  public List<Execution> nodeExecutions(String pipeline, String node, Set<ExecutionState> states) {
    Optional<Context> ctx = store.getContext(Keys.NODE_CONTEXT, Keys.nodeContext(pipeline, node));
    if (ctx.isEmpty()) {
      return List.of();
    }
    return store.getExecutions(ExecutionQuery.builder().context(ctx.get().id()).newestFirst().limit(SCAN).build())
        .stream().filter(e -> states.isEmpty() || states.contains(e.state())).toList();
  }

  /** Executions of a run, oldest first. */
  public List<Execution> runExecutions(String runId) {
    Optional<Context> ctx = store.getContext(Keys.RUN_CONTEXT, runId);
    if (ctx.isEmpty()) {
      return List.of();
    }
    return store.getExecutions(ExecutionQuery.builder().context(ctx.get().id()).limit(10_000).build());
  }

  /** Output artifacts of an execution by output key. */
  public Map<String, List<Artifact>> outputs(long executionId) {
    return artifacts(executionId, EventType.OUTPUT);
  }

  /** Input artifacts of an execution by input key. */
  public Map<String, List<Artifact>> inputs(long executionId) {
    return artifacts(executionId, EventType.INPUT);
  }

  private Map<String, List<Artifact>> artifacts(long executionId, EventType type) {
    List<Event> events = store.getEventsByExecutionIds(List.of(executionId)).stream()
        .filter(e -> e.type() == type).toList();
    Map<Long, Artifact> byId = store.getArtifacts(events.stream().map(Event::artifactId).toList()).stream()
        .collect(Collectors.toMap(Artifact::id, a -> a));
    var out = new LinkedHashMap<String, List<Artifact>>();
    for (Event e : events) {
      out.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(byId.get(e.artifactId()));
    }
    return out;
  }

  /** The newest LIVE output {@code output} of {@code node} whose files exist, from runs other than {@code excludeRun}. */
  public Optional<Artifact> latestOutput(String pipeline, String node, String output, String excludeRun) {
    for (Execution e : nodeExecutions(pipeline, node, Set.of(ExecutionState.COMPLETE, ExecutionState.CACHED))) {
      if (excludeRun != null && excludeRun.equals(runIdOf(e))) {
        continue;
      }
      for (Artifact a : outputs(e.id()).getOrDefault(output, List.of())) {
        if (Artifacts.filesExist(a)) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The {@code previous} baseline of a channel, for a run whose own output of it was made from data of
   * {@code span}: the newest output from another run of the nearest earlier span, else the newest of
   * the same span (the previous run of that span; a pipeline whose data has no spans has span 0 in
   * every run); with {@code span} empty, the newest output from another run ({@link #latestOutput}).
   * So a drift baseline is the span before, in whatever order the spans ran: a backfill's first
   * span of December after December's later spans ran gets none, not December 7th, and a second
   * pass of a backfill resolves each span as the first pass did. Among the node's {@value #SCAN}
   * newest executions; an output whose span is not known counts as of the same span.
   */
  public Optional<Artifact> previousOutput(String pipeline, String node, String output, String excludeRun,
      OptionalLong span) {
    if (span.isEmpty()) {
      return latestOutput(pipeline, node, output, excludeRun);
    }
    Artifact earlier = null;
    long earlierSpan = Long.MIN_VALUE;
    Artifact same = null;
    // Cache hits of one execution share its artifact: each artifact's span is looked up once.
    var spans = new java.util.HashMap<Long, OptionalLong>();
    for (Execution e : nodeExecutions(pipeline, node, Set.of(ExecutionState.COMPLETE, ExecutionState.CACHED))) {
      if (excludeRun != null && excludeRun.equals(runIdOf(e))) {
        continue;
      }
      for (Artifact a : outputs(e.id()).getOrDefault(output, List.of())) {
        if (!Artifacts.filesExist(a)) {
          continue;
        }
        var s = spans.computeIfAbsent(a.id(), id -> spanOf(a));
        if (s.isPresent() && s.getAsLong() < span.getAsLong()) {
          if (s.getAsLong() > earlierSpan) { // newest first: of one span, the first seen
            earlier = a;
            earlierSpan = s.getAsLong();
          }
        } else if (same == null && (s.isEmpty() || s.getAsLong() == span.getAsLong())) {
          same = a;
        }
      }
    }
    return Optional.ofNullable(earlier != null ? earlier : same);
  }

  /**
   * The span of the data an artifact was made from: its own {@code span} (Examples), else the
   * largest {@code span} among the inputs of the execution that wrote it (a StatisticsGen's
   * statistics have its examples' span); empty when neither has one.
   */
  public OptionalLong spanOf(Artifact a) {
    var own = spanProperty(a);
    if (own.isPresent()) {
      return own;
    }
    List<Long> writers = store.getEventsByArtifactIds(List.of(a.id())).stream()
        .filter(e -> e.type() == EventType.OUTPUT).map(Event::executionId).toList();
    if (writers.isEmpty()) {
      return OptionalLong.empty();
    }
    List<Long> inputs = store.getEventsByExecutionIds(List.of(writers.get(0))).stream()
        .filter(e -> e.type() == EventType.INPUT).map(Event::artifactId).toList();
    return store.getArtifacts(inputs).stream().map(StoreQueries::spanProperty).filter(OptionalLong::isPresent)
        .mapToLong(OptionalLong::getAsLong).max();
  }

  private static OptionalLong spanProperty(Artifact a) {
    return a.property(Examples.SPAN).filter(v -> v instanceof Value.IntValue)
        .map(v -> OptionalLong.of(((Value.IntValue) v).value())).orElse(OptionalLong.empty());
  }

  /**
   * The newest model of a channel, from another run, approved by a ModelBlessing with blessed=1. Every
   * execution of the node is looked at, newest first, page by page, however many unblessed ones came after it.
   */
  public Optional<Artifact> latestBlessed(String pipeline, String node, String output, String excludeRun) {
    Optional<Context> ctx = store.getContext(Keys.NODE_CONTEXT, Keys.nodeContext(pipeline, node));
    if (ctx.isEmpty()) {
      return Optional.empty();
    }
    var seen = new java.util.HashSet<Long>();
    for (int offset = 0; ; offset += SCAN) {
      List<Execution> page = store.getExecutions(ExecutionQuery.builder().context(ctx.get().id()).newestFirst()
          .limit(SCAN).offset(offset).build());
      for (Execution e : page) {
        if (e.state() != ExecutionState.COMPLETE && e.state() != ExecutionState.CACHED
            || excludeRun != null && excludeRun.equals(runIdOf(e))) {
          continue;
        }
        for (Artifact model : outputs(e.id()).getOrDefault(output, List.of())) {
          if (seen.add(model.id()) && Artifacts.filesExist(model) && isBlessed(model.id()) && !withdrawn(model)) {
            return Optional.of(model);
          }
        }
      }
      if (page.size() < SCAN) {
        return Optional.empty();
      }
    }
  }

  /** PushedModel records, at most: far more than a registry's versions. */
  private static final int PUSH_RECORDS = 100_000;

  /**
   * Whether a rollback withdrew the model: in a registry its pushes went to, the newest version that
   * serves its files (pushed from it, or published again by a rollback to such a version) was rolled
   * back (a rollback to version w, published as version v, withdraws the versions between). As the
   * registry's own rule for a push of withdrawn files ({@code ModelRegistry}), from the store's
   * records of pushes and rollbacks ({@code PushedModel}: {@code pushed_version}, {@code
   * pushed_destination}, a rollback's {@code rollback_of}). A withdrawn model is not "the model in
   * production" a candidate is compared with: after {@code models rollback}, the next run's baseline
   * was the model the rollback withdrew.
   */
  public boolean withdrawn(Artifact model) {
    var registries = new java.util.LinkedHashSet<String>();
    for (Artifact p : pushesOf(model.id(), "model")) {
      registryOf(p).ifPresent(registries::add);
    }
    if (registries.isEmpty()) {
      return false;
    }
    List<Artifact> records = store.getArtifacts(org.millrace.metadata.ArtifactQuery.builder().type("PushedModel")
        .limit(PUSH_RECORDS).build());
    for (String registry : registries) {
      // Version -> the model whose files it serves; the versions rollbacks withdrew.
      var modelOf = new java.util.TreeMap<Long, Long>();
      var withdrawnVersions = new java.util.HashSet<Long>();
      List<Artifact> inRegistry = records.stream().filter(a -> pushed(a) && registryOf(a).filter(registry::equals)
          .isPresent() && longProp(a, "pushed_version").isPresent())
          .sorted(java.util.Comparator.comparingLong(a -> longProp(a, "pushed_version").getAsLong())).toList();
      for (Artifact a : inRegistry) {
        long version = longProp(a, "pushed_version").getAsLong();
        OptionalLong to = longProp(a, "rollback_of");
        if (to.isPresent()) {
          Long served = modelOf.get(to.getAsLong());
          if (served != null) {
            modelOf.put(version, served);
          }
          for (long v : modelOf.keySet()) {
            if (v > to.getAsLong() && v < version) {
              withdrawnVersions.add(v);
            }
          }
        } else {
          producerInput(a.id(), "model").ifPresent(m -> modelOf.put(version, m));
        }
      }
      OptionalLong newest = modelOf.entrySet().stream().filter(e -> e.getValue() == model.id().longValue())
          .mapToLong(Map.Entry::getKey).max();
      if (newest.isPresent() && withdrawnVersions.contains(newest.getAsLong())) {
        return true;
      }
    }
    return false;
  }

  /** The PushedModel records with pushed=1 written by executions that read the artifact as {@code key}. */
  private List<Artifact> pushesOf(long artifactId, String key) {
    var readers = store.getEventsByArtifactIds(List.of(artifactId)).stream()
        .filter(ev -> ev.type() == EventType.INPUT && ev.key().equals(key)).map(Event::executionId).toList();
    if (readers.isEmpty()) {
      return List.of();
    }
    var outputs = store.getEventsByExecutionIds(readers).stream().filter(ev -> ev.type() == EventType.OUTPUT)
        .map(Event::artifactId).toList();
    return store.getArtifacts(outputs).stream().filter(a -> a.type().equals("PushedModel") && pushed(a)).toList();
  }

  /** The artifact its writer read as {@code key}, if one. */
  private Optional<Long> producerInput(long artifactId, String key) {
    var writers = store.getEventsByArtifactIds(List.of(artifactId)).stream()
        .filter(ev -> ev.type() == EventType.OUTPUT).map(Event::executionId).toList();
    if (writers.isEmpty()) {
      return Optional.empty();
    }
    return store.getEventsByExecutionIds(writers).stream()
        .filter(ev -> ev.type() == EventType.INPUT && ev.key().equals(key)).map(Event::artifactId).findFirst();
  }

  private static boolean pushed(Artifact a) {
    return longProp(a, "pushed").orElse(0) == 1;
  }

  /** The registry directory of a model name a push went to: its destination's parent, absolute. */
  private static Optional<String> registryOf(Artifact pushedModel) {
    return pushedModel.property("pushed_destination").map(v -> String.valueOf(v.raw())).filter(s -> !s.isBlank())
        .map(s -> java.nio.file.Path.of(s).toAbsolutePath().normalize().getParent()).filter(java.util.Objects::nonNull)
        .map(Object::toString);
  }

  private static OptionalLong longProp(Artifact a, String key) {
    return a.property(key).filter(v -> v.raw() instanceof Number).map(v -> OptionalLong.of(((Number) v.raw())
        .longValue())).orElse(OptionalLong.empty());
  }

  /** Whether an execution that read the model as its {@code model} input output a blessing with blessed=1. */
  public boolean isBlessed(long modelId) {
    var readers = store.getEventsByArtifactIds(List.of(modelId)).stream()
        .filter(ev -> ev.type() == EventType.INPUT && ev.key().equals("model")).map(Event::executionId).toList();
    if (readers.isEmpty()) {
      return false;
    }
    var completed = store.getExecutions(readers).stream().filter(x -> x.state() == ExecutionState.COMPLETE
        || x.state() == ExecutionState.CACHED).map(Execution::id).toList();
    var outputs = store.getEventsByExecutionIds(completed).stream().filter(ev -> ev.type() == EventType.OUTPUT)
        .map(Event::artifactId).toList();
    return store.getArtifacts(outputs).stream().anyMatch(a -> a.type().equals("ModelBlessing")
        && Value.of(1L).equals(a.customProperties().get("blessed")));
  }

  /** The newest COMPLETE execution with this cache key whose outputs all still exist. */
  public Optional<Execution> cacheHit(String component, String key) {
    var candidates = store.getExecutions(ExecutionQuery.builder().type(component).state(ExecutionState.COMPLETE)
        .where(PropertyFilter.eq(Keys.CACHE_KEY, key)).newestFirst().limit(20).build());
    for (Execution e : candidates) {
      Map<String, List<Artifact>> outs = outputs(e.id());
      if (!outs.isEmpty() && outs.values().stream().flatMap(List::stream).allMatch(Artifacts::filesExist)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  public static String runIdOf(Execution e) {
    Value v = e.customProperties().get(Keys.RUN_ID);
    return v == null ? null : String.valueOf(v.raw());
  }

  public static String stringProp(Execution e, String key) {
    Value v = e.customProperties().get(key);
    return v == null ? null : String.valueOf(v.raw());
  }
}
