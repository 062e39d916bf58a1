package org.millrace.metadata;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.millrace.testing.RequiredCapabilities;

/** A fresh schema on the PostgreSQL server CI starts; tests skip when none is reachable. */
final class PostgresTestSupport {
  static final String URL = env("MILLRACE_TEST_PG_URL", "jdbc:postgresql://localhost:5432/millrace_test");
  static final String USER = env("MILLRACE_TEST_PG_USER", "postgres");
  static final String PASSWORD = env("MILLRACE_TEST_PG_PASSWORD", "postgres");

  private PostgresTestSupport() {}

  /** Creates a new schema and returns a URL whose current schema it is; skips without a server. */
  static String freshSchemaUrl() {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(URL + sep() + "connectTimeout=3", USER, PASSWORD)) {
      c.createStatement().execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      RequiredCapabilities.assume("postgres", false, "PostgreSQL not reachable at " + URL + " (" + e.getMessage()
          + "); start it as .ci/run does to run these tests");
    }
    return URL + sep() + "currentSchema=" + schema;
  }

  static void drop(String schemaUrl) {
    String schema = schemaUrl.substring(schemaUrl.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
      c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + schema, e);
    }
  }

  private static String sep() {
    return URL.contains("?") ? "&" : "?";
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
