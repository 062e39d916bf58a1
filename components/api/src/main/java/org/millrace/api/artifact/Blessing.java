package org.millrace.api.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.millrace.api.io.AtomicFiles;

/**
 * The content of a {@link ModelBlessing}'s {@code blessing.json}: whether a model may be pushed, who
 * decided (the Evaluator's checks, or a person by hand) and why. This class owns the file's format:
 * the Evaluator writes it, {@code millrace models bless} writes a manual one, the Pusher and the
 * reports read it, all through {@link #write} and {@link #read} (snake_case keys in this record's
 * order, written atomically).
 *
 * @param decision {@code evaluator} or {@code manual}
 * @param decidedAt when a person decided (ISO-8601), null for the Evaluator's decisions
 */
public record Blessing(boolean blessed, String model, String baselineModel, String firstRun, String decision,
    String reason, String decidedAt, List<Check> checks) {
  /** The file's name in the ModelBlessing directory. */
  public static final String FILE = "blessing.json";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  public Blessing {
    checks = List.copyOf(checks);
  }

  /** The Evaluator's decision (no decision time: the execution records it). */
  public Blessing(boolean blessed, String model, String baselineModel, String firstRun, String decision, String reason,
      List<Check> checks) {
    this(blessed, model, baselineModel, firstRun, decision, reason, null, checks);
  }

  /** The checks that failed. */
  public List<Check> failedChecks() {
    return checks.stream().filter(Check::failed).toList();
  }

  /** Writes {@code dir/blessing.json} through a temporary file and an atomic rename. */
  public void write(Path dir) {
    AtomicFiles.writeJson(dir.resolve(FILE), MAPPER, this);
  }

  /** Reads {@code dir/blessing.json}; fails naming the file when it is missing or not a blessing. */
  public static Blessing read(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      return MAPPER.readValue(file.toFile(), Blessing.class);
    } catch (IOException e) {
      throw new UncheckedIOException(file + " expected a blessing JSON file, could not read it: " + e.getMessage(), e);
    }
  }

  /**
   * One validation check and its numbers.
   *
   * @param kind {@code lower}, {@code upper}, {@code change_absolute}, {@code change_relative},
   *     or {@code always_bless}
   * @param observed the candidate's value (null when missing)
   * @param threshold the bound
   * @param baseline the baseline's value for change checks (null otherwise or when absent)
   * @param status {@code pass}, {@code fail} or {@code skipped}
   */
  public record Check(String metric, String slice, String kind, Double observed, Double threshold, Double baseline,
      String status, String message) {

    public boolean failed() {
      return "fail".equals(status);
    }
  }
}
