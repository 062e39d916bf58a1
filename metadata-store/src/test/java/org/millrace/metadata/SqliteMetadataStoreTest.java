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
