package org.millrace.api.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anomalies.json} has one owner, and its bytes are pinned by a golden file. */
class AnomaliesTest {
  @TempDir
  Path dir;

  static Anomalies sample() {
    return new Anomalies(List.of(
        new Anomaly("train", "island", Anomaly.Kind.OUT_OF_DOMAIN, "one of [Biscoe, Dream, Torgersen]", "Atlantis"),
        new Anomaly("eval", "body_mass_g", Anomaly.Kind.DRIFT, "L-infinity distance <= 0.1 from the baseline",
            "0.25"),
        new Anomaly("eval", "sex", Anomaly.Kind.MISSING_FEATURE, "a feature \"sex\"", null)),
        "5d41402abc4b2a76b9719d911017c592");
  }

  @Test
  void writesTheGoldenFileByteForByte() throws Exception {
    sample().write(dir);
    Golden.assertSameBytes(Golden.dir("anomalies").resolve(Anomalies.FILE), dir.resolve(Anomalies.FILE));
    new Anomalies(List.of(), "").write(dir.resolve("none"));
    assertEquals("{\n  \"anomalies\" : [ ],\n  \"baseline\" : \"\"\n}", Files.readString(dir.resolve("none/anomalies.json")));
  }

  @Test
  void theGoldenFileReadsBackAsTheInstance() {
    assertEquals(sample(), Anomalies.read(Golden.dir("anomalies")));
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() {
    var e = assertThrows(UncheckedIOException.class, () -> Anomalies.read(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(Anomalies.FILE) + " expected an anomalies JSON file"
        + " ({anomalies: [{split, feature, kind, expected, observed}], baseline}), but there is no such file"),
        e.getMessage());
  }

  @Test
  void aFileOfAnotherShapeIsAnErrorNamingTheFileAndTheValue() throws Exception {
    Path file = dir.resolve(Anomalies.FILE);
    Files.writeString(file, "{\"anomalies\": [{\"split\": \"train\", \"feature\": \"x\", \"kind\": \"SHIFT\","
        + " \"expected\": \"a\", \"observed\": \"b\"}], \"baseline\": \"\"}");
    var e = assertThrows(UncheckedIOException.class, () -> Anomalies.read(dir));
    assertTrue(e.getMessage().startsWith(file + " expected an anomalies JSON file") && e.getMessage().contains("SHIFT")
        && e.getMessage().contains("DRIFT"), e.getMessage());
    Files.writeString(file, "{\"anomalies\": []}");
    e = assertThrows(UncheckedIOException.class, () -> Anomalies.read(dir));
    assertTrue(e.getMessage().startsWith(file + " expected an anomalies JSON file") && e.getMessage().contains(
        "anomalies expected 'anomalies' and 'baseline', got anomalies [] and baseline null"), e.getMessage());
  }
}
