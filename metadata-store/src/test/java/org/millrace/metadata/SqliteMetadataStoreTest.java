package org.millrace.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  @Override
  MetadataStore openStore() {
    return MetadataStores.sqlite(dir.resolve("nested/metadata.db"));
  }

  @Test
  void reopeningKeepsDataAndSchema() {
    long id = store.putArtifact(examples("/x", 3));
    store.close();
    store = openStore();
    assertEquals("/x", store.getArtifact(id).orElseThrow().uri());
  }

  /**
   * A store whose schema history is current opens without Flyway; a new one, and one whose history
   * holds a failed or an unknown migration, go through Flyway.
   */
  @Test
  void aCurrentStoreOpensWithoutFlywayAndAnyOtherThroughIt() throws Exception {
    store.close();
    int runs = MetadataStores.FLYWAY_RUNS.get();
    store = MetadataStores.sqlite(dir.resolve("other.db"));
    assertEquals(runs + 1, MetadataStores.FLYWAY_RUNS.get(), "a new store is migrated by Flyway");
    registerTypes(store);
    long id = store.putArtifact(examples("/y", 2));
    store.close();
    store = MetadataStores.sqlite(dir.resolve("other.db"));
    assertEquals(runs + 1, MetadataStores.FLYWAY_RUNS.get(), "Flyway ran for a store already current");
    assertEquals("/y", store.getArtifact(id).orElseThrow().uri());
    store.close();
    for (String row : java.util.List.of("UPDATE mr_schema_history SET success = 0 WHERE version = '1'",
        "INSERT INTO mr_schema_history (installed_rank, version, description, type, script, checksum, installed_by,"
            + " execution_time, success) VALUES (99, '2', 'future', 'SQL', 'V2__future.sql', 0, 'test', 0, 1)")) {
      Path copy = dir.resolve("copy-" + row.hashCode() + ".db");
      java.nio.file.Files.copy(dir.resolve("other.db"), copy);
      try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy); var st = c.createStatement()) {
        st.executeUpdate(row);
      }
      int before = MetadataStores.FLYWAY_RUNS.get();
      try (var conn = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy)) {
        assertTrue(!MetadataStores.current(conn), row);
      }
      try {
        MetadataStores.sqlite(copy).close();
      } catch (MetadataStoreException e) {
        // Flyway's verdict on a failed migration; what counts here is that Flyway was asked
      }
      assertEquals(before + 1, MetadataStores.FLYWAY_RUNS.get(), row);
    }
    store = openStore();
  }

  @Test
  void unsupportedUrlIsNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> MetadataStores.open("jdbc:mysql://h/db"));
    assertEquals("metadata store URL expected jdbc:sqlite:<file> or jdbc:postgresql://<host>/<db>,"
        + " got 'jdbc:mysql://h/db'", e.getMessage());
  }

  @Test
  void unreachableStoreIsAnInfrastructureError() {
    var e = assertThrows(MetadataStoreException.class,
        () -> MetadataStores.open("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "u", "p"));
    assertTrue(e.getMessage().startsWith("cannot open metadata store jdbc:postgresql://127.0.0.1:1/none"),
        e.getMessage());
  }
}
