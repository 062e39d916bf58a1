package org.millrace.api.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.util.List;

/**
 * The content of an ExampleAnomalies artifact's {@code anomalies.json}: every anomaly the
 * ExampleValidator found, and the baseline statistics it compared with. This class owns the file's
 * format: the ExampleValidator writes it and readers read it through {@link #write} and
 * {@link #read} (keys in the records' order, written atomically).
 *
 * @param anomalies in the order the validator found them (per split: schema, then drift; skew last)
 * @param baseline the content fingerprint of the baseline statistics, {@code ""} when there was none (not
 *     its path, which lineage records: two runs that compared with equal statistics write the same file,
 *     so that {@code runs diff} does not take a path for nondeterminism)
 */
public record Anomalies(List<Anomaly> anomalies, String baseline) {
  /** The file's name in the ExampleAnomalies directory. */
  public static final String FILE = "anomalies.json";
  private static final String EXPECTED = "an anomalies JSON file ({anomalies: [{split, feature, kind, expected,"
      + " observed}], baseline})";
  private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  public Anomalies {
    if (anomalies == null || baseline == null) {
      throw new IllegalArgumentException("anomalies expected 'anomalies' and 'baseline', got anomalies " + anomalies
          + " and baseline " + baseline);
    }
    anomalies = List.copyOf(anomalies);
  }

  /** Writes {@code dir/anomalies.json} through a temporary file and an atomic rename. */
  public void write(Path dir) {
    FormatFiles.write(dir.resolve(FILE), JSON, this);
  }

  /** Reads {@code dir/anomalies.json}; fails naming the file when it is missing or not of this shape. */
  public static Anomalies read(Path dir) {
    return FormatFiles.read(dir.resolve(FILE), JSON, Anomalies.class, EXPECTED);
  }
}
