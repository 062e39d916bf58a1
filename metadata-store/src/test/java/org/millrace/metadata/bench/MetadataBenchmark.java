package org.millrace.metadata.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactAndEvent;
import org.millrace.metadata.ArtifactState;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.LineageGraph;
import org.millrace.metadata.LineageQuery;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;
import org.millrace.metadata.PropertyType;
import org.millrace.metadata.StoreType;
import org.millrace.metadata.Value;

/**
 * Metadata store benchmark (not a unit test): executions+artifacts written per second through
 * putExecution, beside the same rows as plain batched JDBC inserts into SQLite (the named
 * baseline), and a 10-hop upstream lineage query on a store of 100k artifacts.
 *
 * <p>Run: see benchmarks/metadata/README.md.
 */
public final class MetadataBenchmark {
  private MetadataBenchmark() {}

  public static void main(String[] args) throws Exception {
    int executions = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int lineageArtifacts = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    Path dir = Files.createTempDirectory("millrace-bench");
    String pg = System.getenv("MILLRACE_TEST_PG_URL");

    writes("sqlite", MetadataStores.sqlite(dir.resolve("w.db")), executions);
    if (pg != null) {
      writes("postgresql", MetadataStores.open(pg, env("MILLRACE_TEST_PG_USER"), env("MILLRACE_TEST_PG_PASSWORD")),
          executions);
    }
    baseline(dir.resolve("baseline.db"), executions);
    lineage(MetadataStores.sqlite(dir.resolve("l.db")), lineageArtifacts);
  }

  static String env(String k) {
    return System.getenv(k);
  }

  static void register(MetadataStore s) {
    s.putType(StoreType.artifact("Examples", Map.of("span", PropertyType.INT)));
    s.putType(StoreType.execution("Trainer", Map.of()));
    s.putType(StoreType.context("pipeline", Map.of()));
  }

  /** Each execution: 1 input artifact, 1 output artifact, 2 events, 1 context link, in one transaction. */
  static void writes(String name, MetadataStore s, int n) {
    try (s) {
      register(s);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        s.putExecution(Execution.create("Trainer", ExecutionState.COMPLETE, Map.of(), Map.of("i", Value.of((long) i))),
            List.of(ArtifactAndEvent.input(art("/in/" + i, i), "examples"), ArtifactAndEvent.output(art("/out/" + i, i), "model")),
            List.of(Context.of("pipeline", "bench")));
      }
      double s1 = (System.nanoTime() - t0) / 1e9;
      System.out.printf("%-28s %8d executions (+%d artifacts) in %6.2f s = %8.0f executions/s, %8.0f artifacts/s%n",
          "millrace putExecution " + name, n, 2 * n, s1, n / s1, 2 * n / s1);
    }
  }

  /** The same rows (execution, 2 artifacts + properties, 2 events, links) as raw batched SQL in one transaction per execution. */
  static void baseline(Path db, int n) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      var st = c.createStatement();
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=NORMAL");
      st.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, uri TEXT, state TEXT, t BIGINT)");
      st.execute("CREATE TABLE p (owner INTEGER, name TEXT, v BIGINT)");
      st.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, state TEXT, t BIGINT)");
      st.execute("CREATE TABLE ev (a INTEGER, e INTEGER, type TEXT, k TEXT)");
      st.execute("CREATE TABLE l (ctx INTEGER, id INTEGER)");
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      try (PreparedStatement ia = c.prepareStatement("INSERT INTO a (uri, state, t) VALUES (?, 'LIVE', 0) RETURNING id");
          PreparedStatement ip = c.prepareStatement("INSERT INTO p VALUES (?, 'span', ?)");
          PreparedStatement ie = c.prepareStatement("INSERT INTO e (state, t) VALUES ('COMPLETE', 0) RETURNING id");
          PreparedStatement iv = c.prepareStatement("INSERT INTO ev VALUES (?, ?, ?, ?)");
          PreparedStatement il = c.prepareStatement("INSERT INTO l VALUES (1, ?)")) {
        for (int i = 0; i < n; i++) {
          long e;
          try (var rs = ie.executeQuery()) {
            rs.next();
            e = rs.getLong(1);
          }
          for (String k : new String[] {"in", "out"}) {
            ia.setString(1, "/" + k + "/" + i);
            long a;
            try (var rs = ia.executeQuery()) {
              rs.next();
              a = rs.getLong(1);
            }
            ip.setLong(1, a);
            ip.setLong(2, i);
            ip.addBatch();
            iv.setLong(1, a);
            iv.setLong(2, e);
            iv.setString(3, k);
            iv.setString(4, k);
            iv.addBatch();
            il.setLong(1, a);
            il.addBatch();
          }
          ip.executeBatch();
          iv.executeBatch();
          il.executeBatch();
          c.commit();
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("%-28s %8d executions (+%d artifacts) in %6.2f s = %8.0f executions/s, %8.0f artifacts/s%n",
          "baseline: raw JDBC SQLite", n, 2 * n, s, n / s, 2 * n / s);
    }
  }

  /** 100k artifacts as 1,000 chains of 100 (artifact -> execution -> artifact ...); query 10 hops up. */
  static void lineage(MetadataStore s, int artifacts) {
    try (s) {
      register(s);
      int chains = Math.max(1, artifacts / 100);
      long t0 = System.nanoTime();
      long last = -1;
      for (int c = 0; c < chains; c++) {
        Artifact prev = s.getArtifact(s.putArtifact(art("/chain/" + c + "/0", 0))).orElseThrow();
        for (int i = 1; i < 100; i++) {
          var r = s.putExecution(Execution.create("Trainer", ExecutionState.COMPLETE, Map.of(), Map.of()),
              List.of(ArtifactAndEvent.input(prev, "in"), ArtifactAndEvent.output(art("/chain/" + c + "/" + i, i), "out")),
              List.of());
          prev = prev.withId(r.artifactIds().get(1));
          last = r.artifactIds().get(1);
        }
      }
      double build = (System.nanoTime() - t0) / 1e9;
      System.out.printf("built a store of %d artifacts in %.1f s%n", chains * 100, build);
      int reps = 50;
      LineageGraph g = null;
      long q0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        g = s.lineage(LineageQuery.fromArtifact(last, LineageQuery.Direction.UPSTREAM, 10));
      }
      double ms = (System.nanoTime() - q0) / 1e6 / reps;
      System.out.printf("10-hop upstream lineage query: %.2f ms (%d artifacts, %d executions in the subgraph)%n", ms,
          g.artifacts().size(), g.executions().size());
    }
  }

  static Artifact art(String uri, long span) {
    return Artifact.create("Examples", uri, ArtifactState.LIVE, Map.of("span", Value.of(span)), Map.of());
  }
}
