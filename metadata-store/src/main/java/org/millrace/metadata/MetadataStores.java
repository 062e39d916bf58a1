package org.millrace.metadata;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

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
    } catch (IOException e) {
      throw new MetadataStoreException("cannot create the directory of metadata store " + file, e);
    }
    return open("jdbc:sqlite:" + file.toAbsolutePath(), null, null);
  }

  /** A store from a JDBC URL ({@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host/db}). */
  public static MetadataStore open(String jdbcUrl, String user, String password) {
    Dialect dialect = Dialect.of(jdbcUrl);
    Connection conn;
    try {
      conn = connect(jdbcUrl, user, password, dialect);
    } catch (SQLException e) {
      throw new MetadataStoreException("cannot open metadata store " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    try {
      if (!current(conn)) {
        migrate(jdbcUrl, user, password, dialect);
      }
      return new JdbcMetadataStore(conn, dialect, redact(jdbcUrl));
    } catch (RuntimeException e) {
      closeQuietly(conn, e);
      throw e;
    }
  }

  /** The schema version of the newest migration in {@code db/migration/<dialect>/}. */
  static final int SCHEMA_VERSION = 1;

  /** Times this JVM ran Flyway (tests: a store already at {@link #SCHEMA_VERSION} opens without it). */
  static final java.util.concurrent.atomic.AtomicInteger FLYWAY_RUNS = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Whether the store's schema history (Flyway's table) lists every migration up to
   * {@link #SCHEMA_VERSION}, all successful, and none newer: then there is nothing to migrate and
   * Flyway (321 classes, loaded over 0.4 s of a command's start in a class-load log) is not
   * loaded. Anything else (a new store, a failed or a newer migration) goes to Flyway, which
   * migrates or says what is wrong.
   */
  static boolean current(Connection conn) {
    try (var st = conn.createStatement();
        var rows = st.executeQuery("SELECT version, success FROM mr_schema_history WHERE version IS NOT NULL")) {
      var applied = new java.util.TreeSet<Integer>();
      while (rows.next()) {
        if (!rows.getBoolean(2)) {
          return false;
        }
        applied.add(Integer.parseInt(rows.getString(1)));
      }
      return applied.size() == SCHEMA_VERSION && applied.first() == 1 && applied.last() == SCHEMA_VERSION;
    } catch (SQLException | NumberFormatException e) {
      return false; // no history yet (a new store), or one Flyway reads better
    } finally {
      try {
        if (!conn.getAutoCommit()) {
          conn.rollback();
        }
      } catch (SQLException e) {
        // the store's own use of the connection reports a broken one
      }
    }
  }

  private static void closeQuietly(Connection conn, RuntimeException failure) {
    try {
      conn.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** A store from a URL alone; for PostgreSQL, user and password may be URL parameters. */
  public static MetadataStore open(String jdbcUrl) {
    return open(jdbcUrl, null, null);
  }

  static Connection connect(String url, String user, String password, Dialect dialect) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      NativeCache.prepareSqlite();
      // The driver itself: DriverManager would first load every JDBC driver on the class path.
      return waitingOnBusyFile(() -> org.sqlite.JDBC.createConnection(url, sqliteConfig().toProperties()),
          SQLITE_BUSY_TIMEOUT_MS);
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

  /** How long SQLite waits on a file another connection has locked (the busy timeout), in ms. */
  static final int SQLITE_BUSY_TIMEOUT_MS = 30_000;

  /**
   * Opens a SQLite connection, trying again while the file is busy, for up to the busy timeout.
   * Opening runs pragmas, and {@code journal_mode=WAL} on a file still in rollback mode (a new
   * store) needs to write its header: when another process holds the write lock then, SQLite
   * answers SQLITE_BUSY at once, without its busy handler, since waiting inside the read it holds
   * could deadlock. Four processes creating one new store at once hit this (a writer failed in
   * CI on b5d0a78). Nothing has been written when it fails, so opening again is safe. Flyway's
   * connections, opened later, find the file in WAL mode already (the mode is kept in the file).
   */
  static <C extends Connection> C waitingOnBusyFile(SqlSupplier<C> open, long timeoutMs) throws SQLException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    long backoff = 2;
    while (true) {
      try {
        return open.get();
      } catch (SQLException e) {
        if (!Dialect.SQLITE.isTransient(e) || System.nanoTime() - deadline > 0) {
          throw e;
        }
        LOG.debug("metadata store file busy while opening, trying again in {} ms", backoff);
        try {
          Thread.sleep(backoff + (long) (Math.random() * backoff));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          e.addSuppressed(interrupted);
          throw e;
        }
        backoff = Math.min(backoff * 2, 200);
      }
    }
  }

  @FunctionalInterface
  interface SqlSupplier<T> {
    T get() throws SQLException;
  }

  /** Serialises first-time migrations of SQLite files between threads of this JVM. */
  private static final Object SQLITE_MIGRATION = new Object();

  private static void migrate(String url, String user, String password, Dialect dialect) {
    var configure = Flyway.configure(MetadataStores.class.getClassLoader())
        .locations("classpath:db/migration/" + dialect.migrationFolder)
        .table("mr_schema_history")
        .baselineOnMigrate(false);
    if (dialect != Dialect.SQLITE) {
      // PostgreSQL: Flyway serialises concurrent migrations with an advisory lock.
      runMigration(configure.dataSource(url, user, password).load(), url);
      return;
    }
    // SQLite has no advisory lock, and Flyway's own connections would not wait on a busy file:
    // two processes opening a new store at once raced to create the schema (SQLITE_BUSY). Migrate
    // on connections that wait, holding an OS file lock beside the database across processes.
    var source = new SQLiteDataSource(sqliteConfig());
    source.setUrl(url);
    Path lockFile = sqliteFile(url);
    synchronized (SQLITE_MIGRATION) {
      if (lockFile == null) {
        runMigration(configure.dataSource(source).load(), url);
        return;
      }
      Path lockPath = lockFile.resolveSibling(lockFile.getFileName() + ".migrate-lock");
      try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        runMigration(configure.dataSource(source).load(), url);
      } catch (IOException e) {
        throw new MetadataStoreException("cannot lock " + lockPath + " to migrate metadata store " + redact(url)
            + ": " + e.getMessage(), e);
      }
    }
  }

  private static void runMigration(Flyway flyway, String url) {
    FLYWAY_RUNS.incrementAndGet();
    try {
      var result = flyway.migrate();
      if (result.migrationsExecuted > 0) {
        LOG.info("metadata store {} migrated to schema version {}", redact(url), result.targetSchemaVersion);
      }
    } catch (RuntimeException e) {
      throw new MetadataStoreException("cannot open metadata store " + redact(url) + ": " + rootMessage(e), e);
    }
  }

  /** The database file of a {@code jdbc:sqlite:} URL, or null for an in-memory database. */
  static Path sqliteFile(String url) {
    String rest = url.substring("jdbc:sqlite:".length());
    if (rest.contains("mode=memory")) {
      return null;
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
    }
    if (rest.isEmpty() || rest.contains(":memory:")) {
      return null;
    }
    return Path.of(rest).toAbsolutePath();
  }

  private static SQLiteConfig sqliteConfig() {
    var config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
    config.enforceForeignKeys(true);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    return config;
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
