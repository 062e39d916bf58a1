import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.QuantileDiscretizer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.data.SplitWriter;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.transform.TransformExecutor;
import org.millrace.transform.analyze.GraphBuilder;
import org.millrace.transform.analyze.LocalAnalysis;
import org.millrace.transform.graph.Graph;
import org.millrace.transform.spec.TransformParams;

/**
 * Analyze + apply on N generated rows (seeded): 3 numeric and 2 categorical columns, the same
 * work for millrace Transform (Beam DirectRunner, and in-JVM) and Spark ML (local[2]):
 * z-score of a and c, 4 quantile buckets of b, string index of k1 (50 values) and k2 (2,000).
 * Run with benchmarks/transform/run.sh.
 */
public class TransformBenchmark {
  static final DataSchema SCHEMA = DataSchema.of(Feature.of("a", FeatureType.FLOAT, false),
      Feature.of("b", FeatureType.FLOAT, false), Feature.of("c", FeatureType.INT, false),
      Feature.of("k1", FeatureType.STRING, false), Feature.of("k2", FeatureType.STRING, false),
      Feature.of("y", FeatureType.STRING, false));

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = Files.createTempDirectory("transform-bench");
    List<Batch> batches = generate(rows, 42);
    var ex = new Examples(work.resolve("raw").toString(), new java.util.HashMap<>(Map.of(
        Examples.SPLIT_NAMES, "train", Examples.SPAN, 1L)));
    for (int p = 0; p < 4; p++) {
      try (var w = SplitWriter.open(work.resolve("raw/Split-train"), SCHEMA, p)) {
        for (int i = p; i < batches.size(); i += 4) {
          w.write(batches.get(i));
        }
      }
    }
    TransformParams params = ParameterBinder.bind(TransformParams.class, Map.of(
        "label", Map.of("feature", "y"), "shards", 2,
        "features", List.of(Map.of("feature", "a", "ops", List.of("zscore")), Map.of("feature", "c", "ops", List.of("zscore")),
            Map.of("feature", "b", "ops", List.of(Map.of("bucketize", Map.of("quantiles", 4)))),
            Map.of("feature", "k1", "ops", List.of(Map.of("vocabulary", Map.of("num_oov_buckets", 0)))),
            Map.of("feature", "k2", "ops", List.of(Map.of("vocabulary", Map.of("num_oov_buckets", 0)))))));

    SparkSession spark = SparkSession.builder().master("local[2]").appName("bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Dataset<Row> df = toSpark(spark, batches).repartition(2).cache();
    df.count();

    System.out.printf("rows=%d cores=%d reps=%d%n", rows, Runtime.getRuntime().availableProcessors(), reps);
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      Graph local = LocalAnalysis.fit(new GraphBuilder(params, SCHEMA), batches);
      long t1 = System.nanoTime();
      long sink = 0;
      for (Batch b : batches) {
        sink += local.apply(b).features().length;
      }
      long t2 = System.nanoTime();
      Path out = work.resolve("run" + r);
      var in = new ExecutorInput<>(Map.of("examples", List.<Artifact>of(ex)),
          Map.of("transform_graph", out.resolve("graph"), "transformed_examples", out.resolve("tx")), params);
      new TransformExecutor().execute(in, ExecutionContext.standalone("bench", out.resolve("tmp"), List.of("--runner=DirectRunner")));
      long t3 = System.nanoTime();
      double sparkFit = 0;
      long s0 = System.nanoTime();
      var model = sparkPipeline().fit(df);
      long s1 = System.nanoTime();
      model.transform(df).write().format("noop").mode("overwrite").save();
      long s2 = System.nanoTime();
      System.out.printf("rep %d: millrace in-JVM analyze %.2fs apply %.2fs (%,.0f rows/s) | millrace Transform on Beam "
          + "DirectRunner (analyze+apply+write Arrow) %.2fs (%,.0f rows/s) | Spark ML local[2] fit %.2fs transform %.2fs "
          + "(%,.0f rows/s) [sink %d]%n", r, sec(t0, t1), sec(t1, t2), rows / sec(t0, t2), sec(t2, t3), rows / sec(t2, t3),
          sec(s0, s1), sec(s1, s2), rows / sec(s0, s2), sink);
    }
    spark.stop();
  }

  static double sec(long a, long b) {
    return (b - a) / 1e9;
  }

  static Pipeline sparkPipeline() {
    var assemble = new VectorAssembler().setInputCols(new String[] {"a", "c"}).setOutputCol("ac");
    var scale = new StandardScaler().setInputCol("ac").setOutputCol("ac_z").setWithMean(true).setWithStd(true);
    var quant = new QuantileDiscretizer().setInputCol("b").setOutputCol("b_bucket").setNumBuckets(4);
    var k1 = new StringIndexer().setInputCol("k1").setOutputCol("k1_id");
    var k2 = new StringIndexer().setInputCol("k2").setOutputCol("k2_id");
    var y = new StringIndexer().setInputCol("y").setOutputCol("label");
    return new Pipeline().setStages(new PipelineStage[] {assemble, scale, quant, k1, k2, y});
  }

  static List<Batch> generate(int rows, long seed) {
    var rnd = new Random(seed);
    var out = new ArrayList<Batch>();
    for (int start = 0; start < rows; start += 2048) {
      int n = Math.min(2048, rows - start);
      var b = new BatchBuilder(SCHEMA, n);
      for (int i = 0; i < n; i++) {
        int r = b.newRow();
        b.setDouble(0, r, rnd.nextGaussian() * 10 + 50);
        b.setDouble(1, r, Math.exp(rnd.nextGaussian()));
        b.setLong(2, r, rnd.nextInt(1000));
        b.setString(3, r, "k" + (int) Math.floor(50 * Math.pow(rnd.nextDouble(), 2)));
        b.setString(4, r, "id" + rnd.nextInt(2000));
        b.setString(5, r, rnd.nextBoolean() ? "yes" : "no");
      }
      out.add(b.build());
    }
    return out;
  }

  static Dataset<Row> toSpark(SparkSession spark, List<Batch> batches) {
    StructType st = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
        .add("c", DataTypes.LongType).add("k1", DataTypes.StringType).add("k2", DataTypes.StringType)
        .add("y", DataTypes.StringType);
    var rows = new ArrayList<Row>();
    for (Batch b : batches) {
      for (int r = 0; r < b.rowCount(); r++) {
        rows.add(RowFactory.create(b.row(r).values().toArray()));
      }
    }
    return spark.createDataFrame(rows, st);
  }
}
