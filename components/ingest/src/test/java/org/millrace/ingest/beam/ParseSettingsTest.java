package org.millrace.ingest.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.beam.ExamplesBeamIO;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.data.InputFormat;

/** {@link ParseSettings}: immutable copies with defaults, checked against each other by {@link ParseRecordsFn}. */
class ParseSettingsTest {
  private static final DataSchema SCHEMA = DataSchema.of(Feature.of("id", FeatureType.INT, true),
      Feature.of("label", FeatureType.STRING, true));
  private static final ParseSettings SPLIT = ParseSettings.of(SCHEMA, InputFormat.CSV)
      .withSplits(Map.of("train", 2, "eval", 1), List.of("/tmp/e", "/tmp/t"));

  @Test
  void defaultsAndCopies() {
    var base = ParseSettings.of(SCHEMA, InputFormat.CSV);
    assertEquals(',', base.delimiter());
    assertEquals(List.of("", "NA", "null"), base.nullValues());
    assertEquals(64L << 20, base.maxRecordBytes());
    assertEquals(8192, base.batchSize());
    assertEquals(BadRows.FAIL, base.badRows());
    assertEquals(MissingLabel.FAIL, base.missingLabel());
    assertEquals(ExamplesBeamIO.AUTO_SHARDS, base.shards());
    assertEquals(ParseSettings.DEFAULT_BATCH_SIZE, base.batchSize());
    assertNull(base.quarantineTempDir());

    var changed = base.withDelimiter(';').withBatchSize(7).withShards(3).withBadRows(BadRows.QUARANTINE)
        .withQuarantineDir("/tmp/q").withLabel("label", MissingLabel.DROP).withSplitBy("id")
        .withNullValues(List.of("NA")).withMaxRecordBytes(99).withFiles(List.of("a.csv")).withSchemaSource("s.yaml");
    assertEquals(';', changed.delimiter());
    assertEquals(7, changed.batchSize());
    assertEquals(3, changed.shards());
    assertTrue(changed.quarantinesBadRows());
    assertEquals("/tmp/q", changed.quarantineTempDir());
    assertEquals("label", changed.label());
    assertEquals(MissingLabel.DROP, changed.missingLabel());
    assertEquals("id", changed.splitBy());
    assertEquals(List.of("NA"), changed.nullValues());
    assertEquals(99, changed.maxRecordBytes());
    assertEquals(List.of("a.csv"), changed.files());
    assertEquals("s.yaml", changed.schemaSource());
    // The value it came from is untouched.
    assertEquals(base, ParseSettings.of(SCHEMA, InputFormat.CSV));
  }

  @Test
  void eachSettingIsCheckedWithAnErrorNamingIt() {
    var base = ParseSettings.of(SCHEMA, InputFormat.CSV);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> base.withBatchSize(0)).getMessage()
        .contains("batch_size expected a positive number, got 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> base.withShards(-1)).getMessage()
        .contains("shards expected"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> base.withMaxRecordBytes(0)).getMessage()
        .contains("max_record_bytes expected"));
  }

  @Test
  void theDoFnChecksTheSettingsAgainstEachOther() {
    new ParseRecordsFn(SPLIT); // a valid one builds
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new ParseRecordsFn(ParseSettings.of(SCHEMA, InputFormat.CSV))).getMessage()
        .contains("at least one split"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new ParseRecordsFn(SPLIT.withLabel("price", MissingLabel.FAIL))).getMessage()
        .contains("label expected one of the columns [id, label], got 'price'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new ParseRecordsFn(SPLIT.withSplitBy("user"))).getMessage()
        .contains("split_by expected one of the columns [id, label], got 'user'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new ParseRecordsFn(SPLIT.withFileSplits(Map.of("a.csv", "test")))).getMessage()
        .contains("file a.csv of split test outside [eval, train]"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new ParseRecordsFn(SPLIT.withBadRows(BadRows.QUARANTINE))).getMessage()
        .contains("quarantine without a temporary directory"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new ParseRecordsFn(SPLIT.withLabel("label", MissingLabel.QUARANTINE))).getMessage()
        .contains("quarantine without a temporary directory"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new ParseRecordsFn(SPLIT.withSplits(Map.of("train", 1), List.of("/a", "/b")))).getMessage()
        .contains("2 temporary directories for splits [train]"));
  }
}
