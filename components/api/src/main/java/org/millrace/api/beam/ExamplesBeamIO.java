package org.millrace.api.beam;

import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;

/** Reads and writes Examples split directories as PCollections of {@link Batch}es. */
public final class ExamplesBeamIO {
  private ExamplesBeamIO() {}

  /** Reads every record batch of every part file of a split, one element per record batch. */
  public static PTransform<PBegin, PCollection<Batch>> read(Path splitDir) {
    return new PTransform<>() {
      @Override
      public PCollection<Batch> expand(PBegin input) {
        List<String> files = ExamplesIO.parts(splitDir).stream().map(Path::toString).toList();
        return input
            .apply("ListParts", Create.of(files).withCoder(StringUtf8Coder.of()))
            .apply("SpreadParts", Reshuffle.viaRandomKey())
            .apply("ReadParts", ParDo.of(new ReadPartFn()))
            .setCoder(BatchCoder.of());
      }
    };
  }

  /**
   * Writes batches into {@code shards} part files of a split directory and returns the number of
   * rows written. A batch's shard is a function of its content, so reruns write the same files.
   */
  public static PTransform<PCollection<Batch>, PCollection<Long>> write(Path splitDir, DataSchema schema, int shards) {
    if (shards <= 0) {
      throw new IllegalArgumentException("shards expected a positive number, got " + shards);
    }
    return new PTransform<>() {
      @Override
      public PCollection<Long> expand(PCollection<Batch> input) {
        return input
            .apply("AssignShard", ParDo.of(new ShardFn(shards)))
            .setCoder(KvCoder.of(VarIntCoder.of(), BatchCoder.of()))
            .apply("GroupByShard", GroupByKey.create())
            .apply("WriteParts", ParDo.of(new WritePartFn(splitDir.toString(), schema)))
            .setCoder(VarLongCoder.of())
            .apply("CountRows", Sum.longsGlobally());
      }
    };
  }

  static final class ReadPartFn extends DoFn<String, Batch> {
    @ProcessElement
    public void process(@Element String file, OutputReceiver<Batch> out) {
      ExamplesIO.forEachBatch(Path.of(file), out::output);
    }
  }

  static final class ShardFn extends DoFn<Batch, KV<Integer, Batch>> {
    private final int shards;

    ShardFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void process(@Element Batch batch, OutputReceiver<KV<Integer, Batch>> out) {
      out.output(KV.of(Math.floorMod(batch.hashCode(), shards), batch));
    }
  }

  static final class WritePartFn extends DoFn<KV<Integer, Iterable<Batch>>, Long> {
    private final String splitDir;
    private final DataSchema schema;

    WritePartFn(String splitDir, DataSchema schema) {
      this.splitDir = splitDir;
      this.schema = schema;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Batch>> shard, OutputReceiver<Long> out) throws Exception {
      Path dir = Path.of(splitDir);
      java.nio.file.Files.deleteIfExists(dir.resolve(ExamplesIO.partFileName(shard.getKey())));
      out.output(ExamplesIO.write(dir, schema, shard.getKey(), shard.getValue()));
    }
  }
}
