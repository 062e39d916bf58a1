package org.millrace.api.beam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.millrace.api.data.Batch;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.ExamplesIO;
import org.millrace.api.data.SplitWriter;

/**
 * Reads and writes Examples split directories as PCollections of {@link Batch}es, in bounded
 * memory: reading emits a few record batches per bundle, writing streams each bundle's batches to
 * its own temporary part file and a finalize step renames those into {@code part-NNNNN.arrow}.
 *
 * <p>Each step is a named, immutable {@link PTransform} made by a static factory and configured
 * with {@code withX} methods, the same on every runner:
 *
 * <pre>{@code
 * p.apply("ReadTrain", ExamplesBeamIO.read().from(trainDir))
 *  .apply("WriteOut", ExamplesBeamIO.write().to(outDir).withSchema(schema).withShards(4));
 * p.apply("Stats", ExamplesBeamIO.combine(statsFn).from(trainDir).withGroups(16));
 * }</pre>
 */
public final class ExamplesBeamIO {
  /** Automatic sharding: one part file per written bundle. */
  public static final int AUTO_SHARDS = 0;

  /** Groups a {@link CombineSplit} deals the part files into unless told: this JVM's processors. */
  public static final int DEFAULT_GROUPS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private ExamplesBeamIO() {}

  /** Reads every record batch of every part file of a split: {@code ExamplesBeamIO.read().from(splitDir)}. */
  public static Read read() {
    return new Read(null);
  }

  /** {@code read().from(splitDir)} (typed as before the named transforms, for callers compiled against it). */
  public static PTransform<PBegin, PCollection<Batch>> read(Path splitDir) {
    return read().from(splitDir);
  }

  /**
   * Combines every batch of a split (for example into statistics) in bounded memory on any runner:
   * {@code ExamplesBeamIO.combine(fn).from(splitDir)}, optionally {@code .withGroups(n)}.
   */
  public static <AccT, OutT> CombineSplit<AccT, OutT> combine(Combine.CombineFn<Batch, AccT, OutT> fn) {
    return new CombineSplit<>(fn, null, DEFAULT_GROUPS);
  }

  /** {@code combine(fn).from(splitDir)} (typed as before the named transforms). */
  public static <AccT, OutT> PTransform<PBegin, PCollection<OutT>> combine(Path splitDir,
      Combine.CombineFn<Batch, AccT, OutT> fn) {
    return combine(fn).from(splitDir);
  }

  /** Files dealt round-robin into at most {@code count} non-empty groups, in order within each. */
  static List<List<String>> groups(List<String> files, int count) {
    int n = Math.max(1, Math.min(count, files.size()));
    var out = new java.util.ArrayList<List<String>>();
    for (int g = 0; g < n; g++) {
      var group = new java.util.ArrayList<String>();
      for (int i = g; i < files.size(); i += n) {
        group.add(files.get(i));
      }
      if (!group.isEmpty()) {
        out.add(group);
      }
    }
    return out;
  }

  /**
   * Writes batches into the part files of a split directory and returns the number of rows written:
   * {@code ExamplesBeamIO.write().to(splitDir).withSchema(schema)}, optionally {@code .withShards(n)}.
   */
  public static Write write() {
    return new Write(null, null, AUTO_SHARDS);
  }

  /** {@code write().to(splitDir).withSchema(schema)}: one part file per written bundle (typed as before). */
  public static PTransform<PCollection<Batch>, PCollection<Long>> write(Path splitDir, DataSchema schema) {
    return write().to(splitDir).withSchema(schema);
  }

  /** {@code write().to(splitDir).withSchema(schema).withShards(shards)} ({@link #AUTO_SHARDS}: one per bundle). */
  public static PTransform<PCollection<Batch>, PCollection<Long>> write(Path splitDir, DataSchema schema, int shards) {
    return write().to(splitDir).withSchema(schema).withShards(shards);
  }

  /** A new temporary directory name for a write into a split directory. */
  public static String tempDir(Path splitDir) {
    return splitDir.resolve(".temp-" + UUID.randomUUID()).toString();
  }

  /**
   * The finalize step of a write whose bundles wrote their own temporary part files (for DoFns that
   * write as they produce, such as ingest's parser):
   * {@code ExamplesBeamIO.finalizeParts().to(splitDir).withTempDir(tempDir).withShards(n)}.
   */
  public static FinalizeParts finalizeParts() {
    return new FinalizeParts(null, null, AUTO_SHARDS);
  }

  /** {@code finalizeParts().to(splitDir).withTempDir(tempDir).withShards(shards)} (typed as before). */
  public static PTransform<PCollection<TempPart>, PCollection<Long>> finalizeParts(Path splitDir, String tempDir,
      int shards) {
    return finalizeParts().to(splitDir).withTempDir(tempDir).withShards(shards);
  }

  private static int checkShards(int shards) {
    if (shards < 0) {
      throw new IllegalArgumentException("shards expected a positive number (or 0 for automatic), got " + shards);
    }
    return shards;
  }

  private static String required(String value, String transform, String setter) {
    if (value == null) {
      throw new IllegalStateException("ExamplesBeamIO." + transform + "() expected " + setter + " before it is"
          + " applied, got none");
    }
    return value;
  }

  /** Reads every record batch of every part file of a split, one element per record batch. */
  public static final class Read extends PTransform<PBegin, PCollection<Batch>> {
    private final String splitDir;

    private Read(String splitDir) {
      this.splitDir = splitDir;
    }

    /** The split directory to read (its {@code part-NNNNN.arrow} files). */
    public Read from(Path splitDir) {
      return new Read(splitDir.toString());
    }

    @Override
    public PCollection<Batch> expand(PBegin input) {
      Path dir = Path.of(required(splitDir, "read", "from(splitDir)"));
      List<String> files = ExamplesIO.parts(dir).stream().map(Path::toString).toList();
      return input
          .apply("ListParts", Create.of(files).withCoder(StringUtf8Coder.of()))
          .apply("SpreadParts", Reshuffle.viaRandomKey())
          .apply("ReadParts", ParDo.of(new ReadPartFn()))
          .setCoder(BatchCoder.of());
    }
  }

  /**
   * Combines every batch of a split in bounded memory on any runner: the part files are dealt into
   * at most {@link #withGroups groups} (default: one per processor of the JVM that builds the
   * pipeline), each group's batches are read straight into one accumulator, and only those
   * accumulators are merged, so memory grows with the number of groups, not with the size of the
   * split. The same groups on every runner; give more groups for a cluster with more workers.
   */
  public static final class CombineSplit<AccT, OutT> extends PTransform<PBegin, PCollection<OutT>> {
    private final Combine.CombineFn<Batch, AccT, OutT> fn;
    private final String splitDir;
    private final int groups;

    private CombineSplit(Combine.CombineFn<Batch, AccT, OutT> fn, String splitDir, int groups) {
      this.fn = fn;
      this.splitDir = splitDir;
      this.groups = groups;
    }

    /** The split directory to combine. */
    public CombineSplit<AccT, OutT> from(Path splitDir) {
      return new CombineSplit<>(fn, splitDir.toString(), groups);
    }

    /** At most {@code groups} accumulators, each reading its share of the part files in turn. */
    public CombineSplit<AccT, OutT> withGroups(int groups) {
      if (groups < 1) {
        throw new IllegalArgumentException("groups expected a positive number, got " + groups);
      }
      return new CombineSplit<>(fn, splitDir, groups);
    }

    @Override
    public PCollection<OutT> expand(PBegin input) {
      Path dir = Path.of(required(splitDir, "combine", "from(splitDir)"));
      var registry = input.getPipeline().getCoderRegistry();
      org.apache.beam.sdk.coders.Coder<AccT> accCoder;
      org.apache.beam.sdk.coders.Coder<OutT> outCoder;
      try {
        accCoder = fn.getAccumulatorCoder(registry, BatchCoder.of());
        outCoder = fn.getDefaultOutputCoder(registry, BatchCoder.of());
      } catch (org.apache.beam.sdk.coders.CannotProvideCoderException e) {
        throw new IllegalArgumentException("combine expected accumulator and output coders from "
            + fn.getClass().getName() + ", got none: " + e.getMessage(), e);
      }
      List<String> files = ExamplesIO.parts(dir).stream().map(Path::toString).toList();
      return input
          .apply("ListParts", Create.of(groups(files, groups)).withCoder(ListCoder.of(StringUtf8Coder.of())))
          .apply("SpreadParts", Reshuffle.viaRandomKey())
          .apply("ReadAndAdd", ParDo.of(new ReadCombineFn<>(fn))).setCoder(accCoder)
          .apply("MergeAccumulators", Combine.globally(new MergeAccumulatorsFn<>(fn, accCoder, outCoder)))
          .setCoder(outCoder);
    }
  }

  /**
   * Writes batches into the part files of a split directory and returns the number of rows
   * written. Each bundle streams its batches into temporary files (one per shard it sees), so no
   * runner holds a shard in memory; a finalize step names them {@code part-NNNNN.arrow} in the order
   * of a key derived from their content (reruns over the same bundles give the same files) and
   * removes leftovers. With {@link #AUTO_SHARDS} (the default) each temporary file becomes one
   * part; with a positive count a batch's shard is a function of its content and the temporary
   * files of a shard are concatenated, record batch by record batch, into exactly one part.
   */
  public static final class Write extends PTransform<PCollection<Batch>, PCollection<Long>> {
    private final String splitDir;
    private final DataSchema schema;
    private final int shards;

    private Write(String splitDir, DataSchema schema, int shards) {
      this.splitDir = splitDir;
      this.schema = schema;
      this.shards = shards;
    }

    /** The split directory to write. */
    public Write to(Path splitDir) {
      return new Write(splitDir.toString(), schema, shards);
    }

    /** The schema of the batches (and of the part files). */
    public Write withSchema(DataSchema schema) {
      return new Write(splitDir, java.util.Objects.requireNonNull(schema, "schema"), shards);
    }

    /** Exactly {@code shards} part files ({@link #AUTO_SHARDS}: one per written bundle). */
    public Write withShards(int shards) {
      return new Write(splitDir, schema, checkShards(shards));
    }

    @Override
    public PCollection<Long> expand(PCollection<Batch> input) {
      Path dir = Path.of(required(splitDir, "write", "to(splitDir)"));
      if (schema == null) {
        throw new IllegalStateException("ExamplesBeamIO.write() expected withSchema(schema) before it is applied,"
            + " got none");
      }
      String temp = tempDir(dir);
      return input
          .apply("WriteTempParts", ParDo.of(new WriteTempFn(temp, schema, shards)))
          .setCoder(TempPart.Coder.INSTANCE)
          .apply("Finalize", finalizeParts().to(dir).withTempDir(temp).withShards(shards));
    }
  }

  /**
   * Names temporary part files {@code part-NNNNN.arrow} (see {@link Write}), removes leftovers and
   * the temporary directory, and returns the rows written.
   */
  public static final class FinalizeParts extends PTransform<PCollection<TempPart>, PCollection<Long>> {
    private final String splitDir;
    private final String tempDir;
    private final int shards;

    private FinalizeParts(String splitDir, String tempDir, int shards) {
      this.splitDir = splitDir;
      this.tempDir = tempDir;
      this.shards = shards;
    }

    /** The split directory the parts go to. */
    public FinalizeParts to(Path splitDir) {
      return new FinalizeParts(splitDir.toString(), tempDir, shards);
    }

    /** Where the bundles wrote their temporary parts (removed when done); see {@link ExamplesBeamIO#tempDir}. */
    public FinalizeParts withTempDir(String tempDir) {
      return new FinalizeParts(splitDir, tempDir, shards);
    }

    /** The shard count the temporary parts were written for ({@link #AUTO_SHARDS}: a part each). */
    public FinalizeParts withShards(int shards) {
      return new FinalizeParts(splitDir, tempDir, checkShards(shards));
    }

    @Override
    public PCollection<Long> expand(PCollection<TempPart> parts) {
      String dir = required(splitDir, "finalizeParts", "to(splitDir)");
      String temp = required(tempDir, "finalizeParts", "withTempDir(tempDir)");
      return parts
          .apply("CollectTempParts", Combine.globally(new ListFn()))
          .setCoder(ListCoder.of(TempPart.Coder.INSTANCE))
          .apply("FinalizeParts", ParDo.of(new FinalizeFn(dir, temp, shards)))
          .setCoder(VarLongCoder.of());
    }
  }

  /**
   * Names a write's temporary parts {@code part-NNNNN.arrow} in the split directory, in the order of
   * their content keys (with fixed shards: each shard's parts concatenated in that order), removes
   * parts of an earlier write there and the temporary directory, and returns the rows written. The
   * finalize step of {@link #finalizeParts()} on a runner, and of an in-process write ({@link InProcess}).
   */
  public static long finalizeTempParts(Path dir, String tempDir, int shards, List<TempPart> parts) throws IOException {
    Files.createDirectories(dir);
    var sorted = new ArrayList<>(parts);
    sorted.sort(TempPart.ORDER);
    var written = new java.util.HashSet<Path>();
    long rows = 0;
    if (shards == AUTO_SHARDS) {
      for (int i = 0; i < sorted.size(); i++) {
        rows += sorted.get(i).rows();
        written.add(Files.move(Path.of(sorted.get(i).file()), dir.resolve(ExamplesIO.partFileName(i)),
            StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
      }
    } else {
      for (int s = 0; s < shards; s++) {
        final int shard = s;
        List<Path> files = sorted.stream().filter(p -> p.shard() == shard).map(p -> Path.of(p.file())).toList();
        if (files.isEmpty()) {
          continue;
        }
        Path target = dir.resolve(ExamplesIO.partFileName(s));
        // Record batches in the order of their content, whatever bundles wrote them in whatever order
        // (even one temporary file holds its bundle's batches in processing order).
        Path merged = Path.of(tempDir, "merged-" + ExamplesIO.partFileName(s));
        KeyOrderedConcat.concat(files, merged);
        Files.move(merged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written.add(target);
      }
      rows = sorted.stream().mapToLong(TempPart::rows).sum();
    }
    for (Path old : ExamplesIO.parts(dir)) {
      if (!written.contains(old)) {
        Files.delete(old); // a part of an earlier write into the same directory
      }
    }
    deleteTree(Path.of(tempDir));
    return rows;
  }

  /** Also removes temporary files of bundles a runner retried (their results were never emitted). */
  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /** A cheap key from a batch's content: its size and its first and last rows. */
  public static long contentKey(Batch b) {
    int n = b.rowCount();
    long h = n;
    if (n > 0) {
      h = h * 0x9E3779B97F4A7C15L + b.row(0).hashCode();
      h = h * 0x9E3779B97F4A7C15L + b.row(n - 1).hashCode();
    }
    return h ^ (h >>> 29);
  }

  /** Streams each bundle's batches into temporary part files, one per shard seen in the bundle. */
  static final class WriteTempFn extends DoFn<Batch, TempPart> {
    private final String tempDir;
    private final DataSchema schema;
    private final int shards;
    private transient Map<Integer, Open> open;

    private record Open(SplitWriter writer, long[] key) {}

    WriteTempFn(String tempDir, DataSchema schema, int shards) {
      this.tempDir = tempDir;
      this.schema = schema;
      this.shards = shards;
    }

    @StartBundle
    public void start() {
      open = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element Batch batch) throws IOException {
      if (batch.rowCount() == 0) {
        return;
      }
      long key = contentKey(batch);
      int shard = shards == AUTO_SHARDS ? -1 : (int) Math.floorMod(key, (long) shards);
      Open o = open.get(shard);
      if (o == null) {
        Path dir = Path.of(tempDir);
        Files.createDirectories(dir);
        o = new Open(SplitWriter.create(dir.resolve(UUID.randomUUID() + ".arrow"), schema), new long[] {Long.MAX_VALUE});
        open.put(shard, o);
      }
      o.writer().write(batch);
      o.key()[0] = Math.min(o.key()[0], key);
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      for (var e : open.entrySet()) {
        SplitWriter w = e.getValue().writer();
        w.close();
        c.output(new TempPart(w.file().toString(), e.getKey(), w.rowCount(), e.getValue().key()[0]),
            GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
      }
      open = null;
    }

    @Teardown
    public void teardown() {
      if (open != null) {
        open.values().forEach(o -> o.writer().close());
      }
    }
  }

  /** All temporary parts in one list (a few entries per bundle, never data). */
  static final class ListFn extends Combine.CombineFn<TempPart, List<TempPart>, List<TempPart>> {
    @Override
    public List<TempPart> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<TempPart> addInput(List<TempPart> acc, TempPart p) {
      acc.add(p);
      return acc;
    }

    @Override
    public List<TempPart> mergeAccumulators(Iterable<List<TempPart>> accs) {
      var out = new ArrayList<TempPart>();
      accs.forEach(out::addAll);
      return out;
    }

    @Override
    public List<TempPart> extractOutput(List<TempPart> acc) {
      return acc;
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<List<TempPart>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry r, org.apache.beam.sdk.coders.Coder<TempPart> in) {
      return ListCoder.of(TempPart.Coder.INSTANCE);
    }
  }

  /** Names the temporary parts {@code part-NNNNN.arrow}, removes older parts and the temporary directory. */
  static final class FinalizeFn extends DoFn<List<TempPart>, Long> {
    private final String splitDir;
    private final String tempDir;
    private final int shards;

    FinalizeFn(String splitDir, String tempDir, int shards) {
      this.splitDir = splitDir;
      this.tempDir = tempDir;
      this.shards = shards;
    }

    @ProcessElement
    public void process(@Element List<TempPart> parts, OutputReceiver<Long> out) throws IOException {
      out.output(finalizeTempParts(Path.of(splitDir), tempDir, shards, parts));
    }
  }
}
