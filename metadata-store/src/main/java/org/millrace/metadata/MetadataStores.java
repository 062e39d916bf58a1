package org.millrace.metadata;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/** Opens metadata stores: embedded SQLite files or PostgreSQL servers, migrated to the current schema. */
public final class MetadataStores {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataStores.class);

  private MetadataStores() {}

  /** An embedded SQLite store in {@code file} (created with its parent directories if missing). */
  public static MetadataStore sqlite(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (java.io.IOException e) {
      throw new MetadataStoreException("cannot create the directory of metadata store " + file, e);
    }
    return open("jdbc:sqlite:" + file.toAbsolutePath(), null, null);
  }

  /** A store from a JDBC URL ({@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host/db}). */
  public static MetadataStore open(String jdbcUrl, String user, String password) {
    Dialect dialect = Dialect.of(jdbcUrl);
    migrate(jdbcUrl, user, password, dialect);
    try {
      Connection conn = connect(jdbcUrl, user, password, dialect);
      return new JdbcMetadataStore(conn, dialect, redact(jdbcUrl));
    } catch (SQLException e) {
      throw new MetadataStoreException("cannot connect to metadata store " + redact(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  /** A store from a URL alone; for PostgreSQL, user and password may be URL parameters. */
  public static MetadataStore open(String jdbcUrl) {
    return open(jdbcUrl, null, null);
  }

  static Connection connect(String url, String user, String password, Dialect dialect) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      var config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout(30_000);
      config.enforceForeignKeys(true);
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      return DriverManager.getConnection(url, config.toProperties());
    }
    var props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(url, props);
  }

  private static void migrate(String url, String user, String password, Dialect dialect) {
    try {
      var flyway = Flyway.configure(MetadataStores.class.getClassLoader())
          .dataSource(url, user, password)
          .locations("classpath:db/migration/" + dialect.migrationFolder)
          .table("mr_schema_history")
          .baselineOnMigrate(false)
          .load();
      var result = flyway.migrate();
      if (result.migrationsExecuted > 0) {
        LOG.info("metadata store {} migrated to schema version {}", redact(url), result.targetSchemaVersion);
      }
    } catch (RuntimeException e) {
      throw new MetadataStoreException("cannot open metadata store " + redact(url) + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? e.getMessage() : t.getMessage();
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
