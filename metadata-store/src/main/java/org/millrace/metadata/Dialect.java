package org.millrace.metadata;

import java.sql.SQLException;

/** What differs between the supported databases. */
enum Dialect {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  final String migrationFolder;

  Dialect(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "metadata store URL expected jdbc:sqlite:<file> or jdbc:postgresql://<host>/<db>, got '" + jdbcUrl + "'");
  }

  /** Whether a failed transaction may succeed when simply retried (lock contention, serialization). */
  boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        if (this == SQLITE) {
          int code = s.getErrorCode() & 0xff;
          if (code == 5 || code == 6 || String.valueOf(s.getMessage()).contains("SQLITE_BUSY")) {
            return true;
          }
        } else if ("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }
}
