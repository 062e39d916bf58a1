package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage's result goes from the worker to the driver through Beam's FileSystems, under --tempLocation when given. */
class BeamResultsTest {
  @TempDir
  Path dir;

  @Test
  void aResultTravelsUnderTheTempLocationNotTheDriversDirectory() throws Exception {
    Path local = dir.resolve("driver-work");
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Pipeline p = BeamPipelines.create(List.of("--tempLocation=" + shared.toUri()));
    String results = BeamResults.directory(p.getOptions(), local);
    String location = BeamResults.location(results, "phase", "group-0.json");
    assertTrue(location.startsWith(shared.toString()), location);
    p.apply(Create.of("{\"sum\": 3}").withCoder(StringUtf8Coder.of())).apply(ParDo.of(BeamResults.writeText(location)));
    BeamPipelines.run(p);

    assertEquals("{\"sum\": 3}", BeamResults.readText(location));
    assertFalse(Files.exists(local), "nothing written to the driver's own directory");
    try (var files = Files.walk(shared)) {
      assertEquals(List.of("group-0.json"), files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
          .toList(), "one result, no temporary file left");
    }
    BeamResults.delete(List.of(location));
    assertTrue(BeamResults.read(location).isEmpty());
  }

  @Test
  void withoutATempLocationResultsGoUnderTheLocalDirectory() throws Exception {
    Path local = dir.resolve("work");
    Pipeline p = BeamPipelines.create(List.of());
    String location = BeamResults.location(BeamResults.directory(p.getOptions(), local), "apply", "train.rows");
    p.apply(Create.of("42").withCoder(StringUtf8Coder.of())).apply(ParDo.of(BeamResults.writeText(location)));
    BeamPipelines.run(p);
    assertEquals("42", Files.readString(local.resolve("apply/train.rows")));
    var missing = org.junit.jupiter.api.Assertions.assertThrows(java.io.FileNotFoundException.class,
        () -> BeamResults.readText(local.resolve("apply/eval.rows").toString()));
    assertTrue(missing.getMessage().contains("eval.rows (no result written)"), missing.getMessage());
  }
}
