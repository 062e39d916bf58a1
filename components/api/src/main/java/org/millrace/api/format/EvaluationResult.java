package org.millrace.api.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a ModelEvaluation's {@code evaluation.json} holds. This class owns the file's format: the
 * Evaluator writes it, the web UI and the tests read it, all through {@link #write} and
 * {@link #read} (snake_case keys in the records' order, map entries sorted by key, written
 * atomically).
 *
 * @param baselineModel the baseline's URI, null without a baseline
 * @param slices candidate metrics per reported slice
 * @param baselineSlices baseline metrics per reported slice (empty without a baseline)
 * @param suppressed example counts of slices below {@code min_slice_size}
 */
public record EvaluationResult(String model, String baselineModel, String split, int minSliceSize,
    Map<String, SliceMetrics> slices, Map<String, SliceMetrics> baselineSlices, Map<String, Long> suppressed) {
  /** The file's name in the ModelEvaluation directory. */
  public static final String FILE = "evaluation.json";
  private static final String EXPECTED = "an evaluation JSON file ({model, baseline_model, split, min_slice_size,"
      + " slices, baseline_slices, suppressed})";
  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  public EvaluationResult {
    if (slices == null || baselineSlices == null || suppressed == null) {
      throw new IllegalArgumentException("evaluation expected 'slices', 'baseline_slices' and 'suppressed', got "
          + slices + ", " + baselineSlices + " and " + suppressed);
    }
    // sorted so evaluation.json and the report list slices in a stable order
    slices = Collections.unmodifiableMap(new TreeMap<>(slices));
    baselineSlices = Collections.unmodifiableMap(new TreeMap<>(baselineSlices));
    suppressed = Collections.unmodifiableMap(new TreeMap<>(suppressed));
  }

  /** Writes {@code dir/evaluation.json} through a temporary file and an atomic rename. */
  public void write(Path dir) {
    FormatFiles.write(dir.resolve(FILE), JSON, this);
  }

  /** Reads {@code dir/evaluation.json}; fails naming the file when it is missing or not of this shape. */
  public static EvaluationResult read(Path dir) {
    return FormatFiles.read(dir.resolve(FILE), JSON, EvaluationResult.class, EXPECTED);
  }
}
