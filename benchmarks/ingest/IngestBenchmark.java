import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The peer of the ingest benchmark, and its data. {@code generate <csv> <rows>}: the seeded CSV of
 * LargerThanHeapIT. {@code spark <csv> <out> [schema DDL]}: a hand-written Spark SQL job (local[2]) doing what
 * ExampleGen + StatisticsGen do: read the CSV with the given schema, else an inferred one (or a Parquet file), per numeric column count,
 * missing, min, max, mean, std and approximate quantiles, per string column the top 20 values, and
 * write the rows as Parquet split 2:1 into train/eval by a hash of the row. Run with run.sh.
 */
public class IngestBenchmark {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("generate")) {
      var m = Class.forName("org.millrace.e2e.LargerThanHeapIT").getDeclaredMethod("generate", Path.class, int.class,
          long.class);
      m.setAccessible(true);
      System.out.println("bytes=" + m.invoke(null, Path.of(args[1]), Integer.parseInt(args[2]), 42L));
      return;
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("ingest-peer")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    // A CSV's schema is given when known (args[3], a DDL string), so Spark makes no inference pass.
    Dataset<Row> df = args[1].endsWith(".parquet") ? spark.read().parquet(args[1])
        : args.length > 3 ? spark.read().option("header", "true").schema(args[3]).csv(args[1])
        : spark.read().option("header", "true").option("inferSchema", "true").csv(args[1]);
    Dataset<Row> withSplit = df.withColumn("_bucket",
        functions.pmod(functions.xxhash64(df.columns().length == 0 ? new Column[0] : cols(df)), functions.lit(3)));
    withSplit.cache();
    long rows = withSplit.count();
    var aggs = new ArrayList<Column>();
    var numeric = new ArrayList<String>();
    var strings = new ArrayList<String>();
    for (StructField f : df.schema().fields()) {
      String c = f.name();
      aggs.add(functions.count(functions.col(c)).alias(c + "_count"));
      aggs.add(functions.sum(functions.when(functions.col(c).isNull(), 1).otherwise(0)).alias(c + "_missing"));
      if (f.dataType() instanceof NumericType) {
        numeric.add(c);
        aggs.add(functions.min(c).alias(c + "_min"));
        aggs.add(functions.max(c).alias(c + "_max"));
        aggs.add(functions.mean(c).alias(c + "_mean"));
        aggs.add(functions.stddev_pop(c).alias(c + "_std"));
      } else {
        strings.add(c);
      }
    }
    for (String split : List.of("train", "eval")) {
      Dataset<Row> part = withSplit.filter(split.equals("train") ? "_bucket < 2" : "_bucket = 2").drop("_bucket");
      Row stats = part.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
      double[][] q = part.stat().approxQuantile(numeric.toArray(String[]::new),
          new double[] {0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1}, 0.001);
      for (String s : strings) {
        part.groupBy(s).count().orderBy(functions.desc("count")).limit(20).collectAsList();
      }
      part.write().mode("overwrite").parquet(args[2] + "/Split-" + split);
      System.out.println(split + ": " + stats.getLong(0) + " counted, median of " + numeric.get(0) + " " + q[0][4]);
    }
    System.out.println("rows=" + rows);
    spark.stop();
  }

  static Column[] cols(Dataset<Row> df) {
    return java.util.Arrays.stream(df.columns()).map(functions::col).toArray(Column[]::new);
  }
}
