package org.millrace.metadata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetadataStore} on one JDBC connection. Calls are serialized within the process; across
 * processes the database's locking applies, and transactions that lose a lock race are retried
 * with backoff.
 */
final class JdbcMetadataStore implements MetadataStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcMetadataStore.class);
  private static final int MAX_ATTEMPTS = 12;

  private final Connection conn;
  private final Dialect dialect;
  private final String description;
  private final Map<String, StoreType> types = new ConcurrentHashMap<>();
  private final Map<Long, StoreType> typesById = new ConcurrentHashMap<>();

  JdbcMetadataStore(Connection conn, Dialect dialect, String description) {
    this.conn = conn;
    this.dialect = dialect;
    this.description = description;
  }

  @FunctionalInterface
  interface Work<T> {
    T run() throws SQLException;
  }

  /** Runs {@code work} in one transaction, retrying lock conflicts. */
  synchronized <T> T transaction(Work<T> work) {
    long backoff = 5;
    for (int attempt = 1; ; attempt++) {
      try {
        conn.setAutoCommit(false);
        T result = work.run();
        conn.commit();
        return result;
      } catch (SQLException e) {
        rollbackQuietly(e);
        if (dialect.isTransient(e) && attempt < MAX_ATTEMPTS) {
          LOG.debug("metadata store busy (attempt {}), retrying in {} ms", attempt, backoff);
          sleep(backoff + (long) (Math.random() * backoff));
          backoff = Math.min(backoff * 2, 1000);
          types.clear();
          typesById.clear();
          continue;
        }
        throw new MetadataStoreException("metadata store " + description + ": " + e.getMessage(), e);
      } catch (RuntimeException | Error e) {
        // An Error too (OutOfMemoryError, StackOverflowError): the finally block's setAutoCommit(true)
        // would otherwise commit the half-done transaction.
        rollbackQuietly(e);
        throw e;
      } finally {
        try {
          conn.setAutoCommit(true);
        } catch (SQLException ignored) {
          // The connection is broken; the next call reports it.
        }
      }
    }
  }

  private void rollbackQuietly(Throwable cause) {
    try {
      conn.rollback();
    } catch (SQLException r) {
      cause.addSuppressed(r);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new MetadataStoreException("interrupted while waiting for the metadata store", ie);
    }
  }

  // ---- types -------------------------------------------------------------------------------

  @Override
  public StoreType putType(StoreType type) {
    return transaction(() -> putTypeTx(type));
  }

  private StoreType putTypeTx(StoreType type) throws SQLException {
    StoreType existing = loadType(type.kind(), type.name()).orElse(null);
    long id;
    if (existing == null) {
      try (PreparedStatement ps = conn.prepareStatement(
          "INSERT INTO mr_type (kind, name) VALUES (?, ?) ON CONFLICT (kind, name) DO NOTHING")) {
        ps.setString(1, type.kind().name());
        ps.setString(2, type.name());
        ps.executeUpdate();
      }
      existing = loadType(type.kind(), type.name()).orElseThrow(
          () -> new IllegalStateException("BUG: type " + type.name() + " not found after insert"));
    }
    id = existing.id();
    for (var e : type.properties().entrySet()) {
      PropertyType old = existing.properties().get(e.getKey());
      if (old != null && old != e.getValue()) {
        throw new IllegalArgumentException(String.format(
            "%s type %s property '%s' expected %s (as registered), got %s. Register a new type name instead.",
            type.kind().name().toLowerCase(), type.name(), e.getKey(), old, e.getValue()));
      }
      if (old == null) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO mr_type_property (type_id, name, data_type)"
            + " VALUES (?, ?, ?) ON CONFLICT (type_id, name) DO NOTHING")) {
          ps.setLong(1, id);
          ps.setString(2, e.getKey());
          ps.setString(3, e.getValue().name());
          ps.executeUpdate();
        }
      }
    }
    types.remove(key(type.kind(), type.name()));
    return loadType(type.kind(), type.name()).orElseThrow();
  }

  @Override
  public Optional<StoreType> getType(TypeKind kind, String name) {
    return transaction(() -> loadType(kind, name));
  }

  private Optional<StoreType> loadType(TypeKind kind, String name) throws SQLException {
    StoreType cached = types.get(key(kind, name));
    if (cached != null) {
      return Optional.of(cached);
    }
    Long id = null;
    try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM mr_type WHERE kind = ? AND name = ?")) {
      ps.setString(1, kind.name());
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          id = rs.getLong(1);
        }
      }
    }
    if (id == null) {
      return Optional.empty();
    }
    var props = new HashMap<String, PropertyType>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT name, data_type FROM mr_type_property WHERE type_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          props.put(rs.getString(1), PropertyType.valueOf(rs.getString(2)));
        }
      }
    }
    var t = new StoreType(id, kind, name, props);
    types.put(key(kind, name), t);
    typesById.put(id, t);
    return Optional.of(t);
  }

  private StoreType typeById(long id) throws SQLException {
    StoreType t = typesById.get(id);
    if (t != null) {
      return t;
    }
    try (PreparedStatement ps = conn.prepareStatement("SELECT kind, name FROM mr_type WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("BUG: type id " + id + " referenced but missing");
        }
        return loadType(TypeKind.valueOf(rs.getString(1)), rs.getString(2)).orElseThrow();
      }
    }
  }

  private StoreType requireType(TypeKind kind, String name) throws SQLException {
    return loadType(kind, name).orElseThrow(() -> {
      List<String> known = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT name FROM mr_type WHERE kind = ? ORDER BY name")) {
        ps.setString(1, kind.name());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            known.add(rs.getString(1));
          }
        }
      } catch (SQLException e) {
        known.add("(could not list: " + e.getMessage() + ")");
      }
      return new IllegalArgumentException(String.format(
          "%s type expected one of the registered types %s, got '%s'. Register it with putType first.",
          kind.name().toLowerCase(), known, name));
    });
  }

  private static void checkProperties(StoreType type, Map<String, Value> properties) {
    for (var e : properties.entrySet()) {
      PropertyType declared = type.properties().get(e.getKey());
      if (declared == null) {
        throw new IllegalArgumentException(String.format(
            "%s type %s property '%s' expected one of the declared properties %s, got an undeclared one."
                + " Use a custom property or declare it.",
            type.kind().name().toLowerCase(), type.name(), e.getKey(), type.properties().keySet()));
      }
      if (declared != e.getValue().type()) {
        throw new IllegalArgumentException(String.format("%s type %s property '%s' expected %s, got %s %s",
            type.kind().name().toLowerCase(), type.name(), e.getKey(), declared, e.getValue().type(),
            e.getValue().raw()));
      }
    }
  }

  private static String key(TypeKind kind, String name) {
    return kind.name() + "/" + name;
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public PutExecutionResult putExecution(Execution execution, List<ArtifactAndEvent> artifacts, List<Context> contexts) {
    return transaction(() -> {
      long now = System.currentTimeMillis();
      long execId = upsertExecution(execution, now);
      var artifactIds = new ArrayList<Long>();
      for (ArtifactAndEvent ae : artifacts) {
        long artId = upsertArtifact(ae.artifact(), now);
        artifactIds.add(artId);
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO mr_event (artifact_id, execution_id, type,"
            + " event_key, event_index, time) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
          ps.setLong(1, artId);
          ps.setLong(2, execId);
          ps.setString(3, ae.type().name());
          ps.setString(4, ae.key());
          ps.setInt(5, ae.index());
          ps.setLong(6, now);
          ps.executeUpdate();
        }
      }
      var contextIds = new ArrayList<Long>();
      for (Context c : contexts) {
        long ctxId = ensureContext(c, now).id();
        contextIds.add(ctxId);
        link("mr_association", "execution_id", ctxId, execId);
        for (long artId : artifactIds) {
          link("mr_attribution", "artifact_id", ctxId, artId);
        }
      }
      return new PutExecutionResult(execId, artifactIds, contextIds);
    });
  }

  private void link(String table, String column, long ctxId, long id) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + table + " (context_id, " + column
        + ") VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      ps.setLong(1, ctxId);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  @Override
  public long putArtifact(Artifact artifact) {
    return transaction(() -> upsertArtifact(artifact, System.currentTimeMillis()));
  }

  @Override
  public long putExecution(Execution execution) {
    return transaction(() -> upsertExecution(execution, System.currentTimeMillis()));
  }

  @Override
  public Context putContext(Context context) {
    return transaction(() -> ensureContext(context, System.currentTimeMillis()));
  }

  @Override
  public Context updateContext(Context context) {
    return transaction(() -> {
      StoreType type = requireType(TypeKind.CONTEXT, context.type());
      checkProperties(type, context.properties());
      List<Context> found = loadContexts("WHERE o.type_id = ? AND o.name = ?", List.of(type.id(), context.name()));
      if (found.isEmpty()) {
        throw new IllegalArgumentException("context expected an existing " + context.type() + " '" + context.name()
            + "', got none");
      }
      var merged = new java.util.LinkedHashMap<>(found.get(0).properties());
      merged.putAll(context.properties());
      PropertyRows.replace(conn, TypeKind.CONTEXT, found.get(0).id(), merged, Map.of());
      return loadContexts("WHERE o.id = ?", List.of(found.get(0).id())).get(0);
    });
  }

  private long upsertArtifact(Artifact a, long now) throws SQLException {
    StoreType type = requireType(TypeKind.ARTIFACT, a.type());
    checkProperties(type, a.properties());
    long id = a.id() == null
        ? insertReturningId("INSERT INTO mr_artifact (type_id, uri, name, state, create_time, update_time)"
            + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id", type.id(), a.uri(), a.name(), a.state().name(), now, now)
        : update("UPDATE mr_artifact SET uri = ?, name = ?, state = ?, update_time = ? WHERE id = ?",
            "artifact", a.id(), a.uri(), a.name(), a.state().name(), now, a.id());
    PropertyRows.replace(conn, TypeKind.ARTIFACT, id, a.properties(), a.customProperties());
    return id;
  }

  private long upsertExecution(Execution e, long now) throws SQLException {
    StoreType type = requireType(TypeKind.EXECUTION, e.type());
    checkProperties(type, e.properties());
    long id = e.id() == null
        ? insertReturningId("INSERT INTO mr_execution (type_id, name, state, create_time, update_time)"
            + " VALUES (?, ?, ?, ?, ?) RETURNING id", type.id(), e.name(), e.state().name(), now, now)
        : update("UPDATE mr_execution SET name = ?, state = ?, update_time = ? WHERE id = ?",
            "execution", e.id(), e.name(), e.state().name(), now, e.id());
    PropertyRows.replace(conn, TypeKind.EXECUTION, id, e.properties(), e.customProperties());
    return id;
  }

  private Context ensureContext(Context c, long now) throws SQLException {
    StoreType type = requireType(TypeKind.CONTEXT, c.type());
    checkProperties(type, c.properties());
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO mr_context (type_id, name, create_time)"
        + " VALUES (?, ?, ?) ON CONFLICT (type_id, name) DO NOTHING")) {
      ps.setLong(1, type.id());
      ps.setString(2, c.name());
      ps.setLong(3, now);
      if (ps.executeUpdate() == 1) {
        Context created = loadContexts("WHERE o.type_id = ? AND o.name = ?", List.of(type.id(), c.name())).get(0);
        PropertyRows.replace(conn, TypeKind.CONTEXT, created.id(), c.properties(), Map.of());
      }
    }
    return loadContexts("WHERE o.type_id = ? AND o.name = ?", List.of(type.id(), c.name())).get(0);
  }

  private long insertReturningId(String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      Sql.bind(ps, java.util.Arrays.asList(params));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private long update(String sql, String what, long id, Object... params) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      if (ps.executeUpdate() != 1) {
        throw new IllegalArgumentException(what + " id expected an existing " + what + ", got " + id);
      }
    }
    return id;
  }

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public Optional<Artifact> getArtifact(long id) {
    return getArtifacts(List.of(id)).stream().findFirst();
  }

  @Override
  public List<Artifact> getArtifacts(Collection<Long> ids) {
    return transaction(() -> byIds(ids, this::loadArtifacts));
  }

  @Override
  public List<Artifact> getArtifacts(ArtifactQuery q) {
    return transaction(() -> {
      var where = new ArrayList<String>();
      var params = new ArrayList<Object>();
      if (q.type() != null) {
        Optional<StoreType> t = loadType(TypeKind.ARTIFACT, q.type());
        if (t.isEmpty()) {
          return List.of();
        }
        where.add("o.type_id = ?");
        params.add(t.get().id());
      }
      if (q.uri() != null) {
        where.add("o.uri = ?");
        params.add(q.uri());
      }
      if (q.state() != null) {
        where.add("o.state = ?");
        params.add(q.state().name());
      }
      if (q.contextId() != null) {
        where.add("EXISTS (SELECT 1 FROM mr_attribution x WHERE x.artifact_id = o.id AND x.context_id = ?)");
        params.add(q.contextId());
      }
      q.filters().forEach(f -> where.add(PropertyRows.condition(TypeKind.ARTIFACT, f, params)));
      return loadArtifacts(clause(where, q.newestFirst(), q.limit(), q.offset()), params);
    });
  }

  @Override
  public Optional<Execution> getExecution(long id) {
    return getExecutions(List.of(id)).stream().findFirst();
  }

  @Override
  public List<Execution> getExecutions(Collection<Long> ids) {
    return transaction(() -> byIds(ids, this::loadExecutions));
  }

  @Override
  public List<Execution> getExecutions(ExecutionQuery q) {
    return transaction(() -> {
      var where = new ArrayList<String>();
      var params = new ArrayList<Object>();
      if (q.type() != null) {
        Optional<StoreType> t = loadType(TypeKind.EXECUTION, q.type());
        if (t.isEmpty()) {
          return List.of();
        }
        where.add("o.type_id = ?");
        params.add(t.get().id());
      }
      if (q.state() != null) {
        where.add("o.state = ?");
        params.add(q.state().name());
      }
      if (q.contextId() != null) {
        where.add("EXISTS (SELECT 1 FROM mr_association x WHERE x.execution_id = o.id AND x.context_id = ?)");
        params.add(q.contextId());
      }
      q.filters().forEach(f -> where.add(PropertyRows.condition(TypeKind.EXECUTION, f, params)));
      return loadExecutions(clause(where, q.newestFirst(), q.limit(), q.offset()), params);
    });
  }

  @Override
  public Optional<Context> getContext(long id) {
    return transaction(() -> loadContexts("WHERE o.id = ?", List.of(id))).stream().findFirst();
  }

  @Override
  public Optional<Context> getContext(String type, String name) {
    return transaction(() -> {
      Optional<StoreType> t = loadType(TypeKind.CONTEXT, type);
      if (t.isEmpty()) {
        return List.<Context>of();
      }
      return loadContexts("WHERE o.type_id = ? AND o.name = ?", List.of(t.get().id(), name));
    }).stream().findFirst();
  }

  @Override
  public List<Context> getContexts(String type) {
    return transaction(() -> {
      Optional<StoreType> t = loadType(TypeKind.CONTEXT, type);
      return t.isEmpty() ? List.of() : loadContexts("WHERE o.type_id = ? ORDER BY o.id", List.of(t.get().id()));
    });
  }

  @Override
  public List<Context> getContextsByArtifact(long artifactId) {
    return transaction(() -> loadContexts("WHERE o.id IN (SELECT context_id FROM mr_attribution WHERE artifact_id = ?)"
        + " ORDER BY o.id", List.of(artifactId)));
  }

  @Override
  public List<Context> getContextsByExecution(long executionId) {
    return transaction(() -> loadContexts("WHERE o.id IN (SELECT context_id FROM mr_association WHERE execution_id = ?)"
        + " ORDER BY o.id", List.of(executionId)));
  }

  @Override
  public List<Event> getEventsByArtifactIds(Collection<Long> artifactIds) {
    return transaction(() -> events("artifact_id", artifactIds, null));
  }

  @Override
  public List<Event> getEventsByExecutionIds(Collection<Long> executionIds) {
    return transaction(() -> events("execution_id", executionIds, null));
  }

  @Override
  public LineageGraph lineage(LineageQuery q) {
    return transaction(() -> new LineageWalker(this).walk(q));
  }

  List<Event> events(String column, Collection<Long> ids, EventType only) throws SQLException {
    var out = new ArrayList<Event>();
    for (List<Long> chunk : Sql.chunks(new LinkedHashSet<>(ids))) {
      String sql = "SELECT artifact_id, execution_id, type, event_key, event_index, time FROM mr_event WHERE "
          + column + " IN (" + Sql.placeholders(chunk.size()) + ")" + (only == null ? "" : " AND type = ?")
          + " ORDER BY id";
      try (PreparedStatement ps = conn.prepareStatement(sql)) {
        Sql.bindIds(ps, 1, chunk);
        if (only != null) {
          ps.setString(chunk.size() + 1, only.name());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Event(rs.getLong(1), rs.getLong(2), EventType.valueOf(rs.getString(3)), rs.getString(4),
                rs.getInt(5), Instant.ofEpochMilli(rs.getLong(6))));
          }
        }
      }
    }
    return out;
  }

  @FunctionalInterface
  interface Loader<T> {
    List<T> load(String clause, List<?> params) throws SQLException;
  }

  <T> List<T> byIds(Collection<Long> ids, Loader<T> loader) throws SQLException {
    var out = new ArrayList<T>();
    for (List<Long> chunk : Sql.chunks(new LinkedHashSet<>(ids))) {
      out.addAll(loader.load("WHERE o.id IN (" + Sql.placeholders(chunk.size()) + ") ORDER BY o.id",
          new ArrayList<>(chunk)));
    }
    return out;
  }

  private static String clause(List<String> where, boolean newestFirst, int limit, int offset) {
    return (where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where))
        + " ORDER BY o.id " + (newestFirst ? "DESC" : "ASC") + " LIMIT " + limit + " OFFSET " + offset;
  }

  List<Artifact> loadArtifacts(String clause, List<?> params) throws SQLException {
    var rows = new ArrayList<Artifact>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT o.id, o.type_id, o.uri, o.name, o.state, o.create_time,"
        + " o.update_time FROM mr_artifact o " + clause)) {
      Sql.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Artifact(rs.getLong(1), typeById(rs.getLong(2)).name(), rs.getString(3), rs.getString(4),
              ArtifactState.valueOf(rs.getString(5)), Map.of(), Map.of(), Instant.ofEpochMilli(rs.getLong(6)),
              Instant.ofEpochMilli(rs.getLong(7))));
        }
      }
    }
    var props = PropertyRows.load(conn, TypeKind.ARTIFACT, rows.stream().map(Artifact::id).toList());
    return rows.stream().map(a -> {
      var p = props.get(a.id());
      return p == null ? a : new Artifact(a.id(), a.type(), a.uri(), a.name(), a.state(), p.typed(), p.custom(),
          a.createTime(), a.updateTime());
    }).toList();
  }

  List<Execution> loadExecutions(String clause, List<?> params) throws SQLException {
    var rows = new ArrayList<Execution>();
    try (PreparedStatement ps = conn.prepareStatement("SELECT o.id, o.type_id, o.name, o.state, o.create_time,"
        + " o.update_time FROM mr_execution o " + clause)) {
      Sql.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Execution(rs.getLong(1), typeById(rs.getLong(2)).name(), rs.getString(3),
              ExecutionState.valueOf(rs.getString(4)), Map.of(), Map.of(), Instant.ofEpochMilli(rs.getLong(5)),
              Instant.ofEpochMilli(rs.getLong(6))));
        }
      }
    }
    var props = PropertyRows.load(conn, TypeKind.EXECUTION, rows.stream().map(Execution::id).toList());
    return rows.stream().map(e -> {
      var p = props.get(e.id());
      return p == null ? e : new Execution(e.id(), e.type(), e.name(), e.state(), p.typed(), p.custom(),
          e.createTime(), e.updateTime());
    }).toList();
  }

  private List<Context> loadContexts(String clause, List<?> params) throws SQLException {
    var rows = new ArrayList<Context>();
    try (PreparedStatement ps = conn.prepareStatement(
        "SELECT o.id, o.type_id, o.name, o.create_time FROM mr_context o " + clause)) {
      Sql.bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Context(rs.getLong(1), typeById(rs.getLong(2)).name(), rs.getString(3), Map.of(),
              Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
    }
    var props = PropertyRows.load(conn, TypeKind.CONTEXT, rows.stream().map(Context::id).toList());
    return rows.stream().map(c -> {
      var p = props.get(c.id());
      return p == null ? c : new Context(c.id(), c.type(), c.name(), p.typed(), c.createTime());
    }).toList();
  }

  @Override
  public synchronized void close() {
    try {
      conn.close();
    } catch (SQLException e) {
      throw new MetadataStoreException("cannot close metadata store " + description, e);
    }
  }

  @Override
  public String toString() {
    return "MetadataStore[" + description + "]";
  }
}
