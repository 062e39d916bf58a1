import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The DuckDB peer of the ingest benchmark ({@code run.sh}): DuckDB's JDBC driver, in process, does
 * what ExampleGen + StatisticsGen do on the same CSV (or Parquet file): read it with an inferred schema, split 2:1
 * into train/eval by a hash of the row, write both splits as Parquet, and per split compute count,
 * missing, min, max, mean, std and quantiles of each numeric column and the top 20 values of each
 * string column. {@code DuckDbPeer <csv> <out dir> <threads>}.
 */
public class DuckDbPeer {
  public static void main(String[] args) throws Exception {
    String csv = args[0];
    String out = args[1];
    new java.io.File(out).mkdirs();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads TO " + args[2]);
      String source = csv.endsWith(".parquet") ? "read_parquet('" + csv + "')"
          : "read_csv_auto('" + csv + "', header = true)";
      s.execute("CREATE TABLE rows AS SELECT *, hash(columns(*)) % 3 AS _bucket FROM " + source);
      var numeric = new ArrayList<String>();
      var strings = new ArrayList<String>();
      try (ResultSet r = s.executeQuery("DESCRIBE rows")) {
        while (r.next()) {
          String name = r.getString("column_name");
          String type = r.getString("column_type");
          if (name.equals("_bucket")) {
            continue;
          }
          boolean number = type.matches("(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|DOUBLE|FLOAT|DECIMAL.*)");
          (number ? numeric : strings).add(name);
        }
      }
      for (String split : List.of("train", "eval")) {
        String where = split.equals("train") ? "_bucket < 2" : "_bucket = 2";
        var aggs = new ArrayList<String>();
        for (String n : numeric) {
          String q = "\"" + n + "\"";
          aggs.add("count(" + q + "), count(*) - count(" + q + "), min(" + q + "), max(" + q + "), avg(" + q
              + "), stddev_pop(" + q + "), approx_quantile(" + q + ", [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1])");
        }
        for (String t : strings) {
          aggs.add("count(\"" + t + "\"), count(*) - count(\"" + t + "\")");
        }
        long rows;
        try (ResultSet r = s.executeQuery("SELECT count(*), " + String.join(", ", aggs) + " FROM rows WHERE "
            + where)) {
          r.next();
          rows = r.getLong(1);
        }
        for (String t : strings) {
          try (ResultSet r = s.executeQuery("SELECT \"" + t + "\", count(*) AS n FROM rows WHERE " + where
              + " GROUP BY 1 ORDER BY n DESC LIMIT 20")) {
            while (r.next()) {
              r.getString(1);
            }
          }
        }
        s.execute("COPY (SELECT * EXCLUDE (_bucket) FROM rows WHERE " + where + ") TO '" + out + "/" + split
            + ".parquet' (FORMAT parquet)");
        System.out.println(split + ": " + rows + " counted");
      }
    }
  }
}
