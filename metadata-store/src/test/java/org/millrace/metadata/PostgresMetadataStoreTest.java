package org.millrace.metadata;

import org.junit.jupiter.api.AfterEach;

class PostgresMetadataStoreTest extends MetadataStoreContract {
  private String url;

  @Override
  MetadataStore openStore() {
    if (url == null) {
      url = PostgresTestSupport.freshSchemaUrl();
    }
    return MetadataStores.open(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD);
  }

  @AfterEach
  void dropSchema() {
    if (url != null) {
      PostgresTestSupport.drop(url);
    }
  }
}
