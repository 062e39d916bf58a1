package org.millrace.api.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.data.Batch;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.ExamplesIOTest;

class BatchCoderTest {

  @Test
  void decodeEncodeIsIdentity() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(BatchCoder.of(), ExamplesIOTest.sample());
    CoderProperties.coderDeterministic(BatchCoder.of(), ExamplesIOTest.sample(), ExamplesIOTest.sample());
  }

  @Test
  void writeThenReadThroughBeamKeepsEveryRow(@TempDir Path dir) {
    Batch batch = ExamplesIOTest.sample();
    Path split = dir.resolve("Split-train");
    Pipeline write = Pipeline.create(BeamPipelines.options(List.of()));
    PCollection<Long> rows = write
        .apply(Create.of(batch, batch.slice(0, 1), batch.slice(1, 3)).withCoder(BatchCoder.of()))
        .apply(ExamplesBeamIO.write(split, batch.schema(), 2));
    PAssert.thatSingleton(rows).isEqualTo(6L);
    BeamPipelines.run(write);
    assertEquals(6, ExamplesIO.readAll(split).rowCount());

    Pipeline read = Pipeline.create(BeamPipelines.options(List.of()));
    PCollection<Long> count = read.apply(ExamplesBeamIO.read(split))
        .apply(MapElements.into(TypeDescriptors.longs()).via(b -> (long) b.rowCount()))
        .apply(org.apache.beam.sdk.transforms.Sum.longsGlobally());
    PAssert.thatSingleton(count).isEqualTo(6L);
    BeamPipelines.run(read);
  }

  @Test
  void badBeamArgsAreNamed() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> BeamPipelines.options(List.of("--runner=NoSuchRunner")));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().startsWith("beam_pipeline_args expected valid Beam pipeline options, got [--runner=NoSuchRunner]"),
        e.getMessage());
  }
}
