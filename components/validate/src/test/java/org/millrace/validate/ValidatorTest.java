package org.millrace.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.format.Anomaly;
import org.millrace.api.format.StatisticsModel;
import org.millrace.validate.schema.SchemaGenParams;
import org.millrace.validate.schema.SchemaInferrer;
import org.millrace.api.statistics.SplitAccumulator;
import org.millrace.validate.validator.DistributionThresholds;
import org.millrace.validate.validator.Validator;

class ValidatorTest {
  static final DataSchema DATA = DataSchema.of(Feature.of("temp", FeatureType.FLOAT, true),
      Feature.of("weather", FeatureType.STRING, true));

  static StatisticsModel sample(long seed, double shift, String extraValue, int missingEvery) {
    var rnd = new Random(seed);
    var b = new BatchBuilder(DATA, 2000);
    String[] weather = {"sun", "rain", "fog"};
    for (int i = 0; i < 2000; i++) {
      int r = b.newRow();
      if (missingEvery == 0 || i % missingEvery != 0) {
        b.setDouble(0, r, 15 + shift + 5 * rnd.nextGaussian());
      }
      b.setString(1, r, extraValue != null && i % 10 == 0 ? extraValue : weather[rnd.nextInt(3)]);
    }
    var acc = new SplitAccumulator();
    acc.add(b.build());
    return acc.result("train");
  }

  static final SchemaGenParams GEN = new SchemaGenParams(null, null, true, null);

  @Test
  void schemaGenInfersDomainPresenceAndRange() {
    DataSchema s = SchemaInferrer.infer(sample(1, 0, null, 0), GEN);
    Feature weather = s.feature("weather");
    assertEquals(List.of("fog", "rain", "sun"), weather.domain());
    assertEquals(1.0, weather.minPresence());
    Feature temp = s.feature("temp");
    assertTrue(temp.min() < -2 && temp.max() > 32, temp.toString());
    assertTrue(Validator.againstSchema(sample(2, 0, null, 0), s).isEmpty(), "clean data has no anomalies");
  }

  @Test
  void everyKindOfSchemaAnomalyIsFound() {
    DataSchema s = SchemaInferrer.infer(sample(1, 0, null, 0), GEN);
    var withMore = new DataSchema(List.of(s.feature("temp"), s.feature("weather"),
        Feature.of("humidity", FeatureType.FLOAT, false)));
    List<Anomaly> found = Validator.againstSchema(sample(3, 40, "snow", 5), withMore);
    var kinds = found.stream().map(Anomaly::kind).toList();
    assertTrue(kinds.contains(Anomaly.Kind.OUT_OF_DOMAIN), found.toString());
    assertTrue(kinds.contains(Anomaly.Kind.OUT_OF_RANGE), found.toString());
    assertTrue(kinds.contains(Anomaly.Kind.LOW_PRESENCE), found.toString());
    assertTrue(kinds.contains(Anomaly.Kind.MISSING_FEATURE), found.toString());
    Anomaly domain = found.stream().filter(a -> a.kind() == Anomaly.Kind.OUT_OF_DOMAIN).findFirst().orElseThrow();
    assertEquals("split train, feature 'weather': OUT_OF_DOMAIN expected values in [fog, rain, sun] (the schema),"
        + " got unexpected values (with counts) {snow=200}", domain.toString());

    var typed = new DataSchema(List.of(Feature.of("temp", FeatureType.STRING, true)));
    var typeFound = Validator.againstSchema(sample(1, 0, null, 0), typed);
    assertEquals(List.of(Anomaly.Kind.TYPE_CHANGE, Anomaly.Kind.NEW_FEATURE),
        typeFound.stream().map(Anomaly::kind).toList());
  }

  @Test
  void driftIsFoundOnAShiftAndNotOnAResample() {
    var thresholds = new DistributionThresholds(0.1, Map.of("weather", 0.05));
    var base = sample(1, 0, null, 0);
    assertTrue(Validator.distributions(sample(2, 0, null, 0), base, thresholds, Anomaly.Kind.DRIFT, "b").isEmpty());
    List<Anomaly> shifted = Validator.distributions(sample(2, 6, "snow", 0), base, thresholds, Anomaly.Kind.DRIFT, "b");
    assertEquals(List.of("temp", "weather"), shifted.stream().map(Anomaly::feature).toList());
    var onlyWeather = new DistributionThresholds(null, Map.of("weather", 0.05));
    assertEquals(1, Validator.distributions(sample(2, 6, "snow", 0), base, onlyWeather, Anomaly.Kind.DRIFT, "b").size());
  }

  /** A column that was whole numbers and comes as decimals is compared as numbers (its drift was skipped). */
  @Test
  void wholeNumbersAndDecimalsCompareAsNumbers() {
    var thresholds = new DistributionThresholds(0.1, Map.of());
    var base = sample(1, 0, null, 0);
    var asInt = retyped(base, FeatureType.INT);
    assertEquals(List.of("temp"), Validator.distributions(sample(2, 30, null, 0), asInt, thresholds,
        Anomaly.Kind.DRIFT, "b").stream().map(Anomaly::feature).toList());
    assertTrue(Validator.distributions(sample(2, 0, null, 0), asInt, thresholds, Anomaly.Kind.DRIFT, "b").isEmpty());
  }

  /** {@code stats} with its temp column's type set to {@code type}. */
  static StatisticsModel retyped(StatisticsModel stats, FeatureType type) {
    return new StatisticsModel(stats.split(), stats.rows(), stats.features().stream().map(f -> !f.name().equals("temp")
        ? f : new org.millrace.api.format.FeatureStatistics(f.name(), type, f.rows(), f.present(), f.missing(),
            f.nan(), f.numeric(), f.categorical())).toList());
  }

  static org.millrace.api.format.StatisticsModel presence(String split, long rows, long missing) {
    var f = new org.millrace.api.format.FeatureStatistics("x", FeatureType.FLOAT, rows, rows - missing,
        missing, 0, null, null);
    return new org.millrace.api.format.StatisticsModel(split, rows, List.of(f));
  }

  @Test
  void presenceBoundsTolerateSamplingNoiseAndSayWhereTheyCameFrom() {
    // The case: ~98.5% present overall; train 232 rows with 3 missing, eval 77 rows with 5 missing.
    DataSchema s = SchemaInferrer.infer(presence("train", 232, 3), GEN);
    double bound = s.feature("x").minPresence();
    // 229 of 232 present: the 99.9% Wilson interval's lower bound is 0.9331, rounded down: 0.93 (not the observed 0.98).
    assertEquals(0.93, bound, "a bound below the observed 0.987, for sampling noise");
    assertTrue(Validator.againstSchema(presence("eval", 77, 5), s, "schema s1").isEmpty(),
        "5 missing of 77 is sampling noise under " + bound);
    // Clearly fewer values: an anomaly naming the bound's origin and the counts.
    List<Anomaly> low = Validator.againstSchema(presence("eval", 77, 20), s, "schema s1");
    assertEquals(1, low.size(), low.toString());
    assertTrue(low.get(0).toString().contains("presence >= " + bound + " (min_presence " + bound + " of schema s1)"),
        low.get(0).toString());
    assertTrue(low.get(0).toString().contains("20 of 77 rows missing"), low.get(0).toString());
    // A bound given by hand (0.99) and one missing of 77 (0.987 observed, upper bound 0.999): noise, not an anomaly.
    var given = new DataSchema(List.of(new Feature("x", FeatureType.FLOAT, true, List.of(), 0.99, null, null, null)));
    assertTrue(Validator.againstSchema(presence("eval", 77, 1), given, "schema s3").isEmpty());
    assertEquals(1, Validator.againstSchema(presence("eval", 7700, 200), given, "schema s3").size(),
        "2.6% missing of 7700 rows is not noise under 0.99");
    // A column never missing in train stays required: one missing value in a big split is an anomaly.
    DataSchema full = SchemaInferrer.infer(presence("train", 1000, 0), GEN);
    assertEquals(1.0, full.feature("x").minPresence());
    assertEquals(1, Validator.againstSchema(presence("eval", 100_000, 1), full, "schema s2").size());
  }
}
