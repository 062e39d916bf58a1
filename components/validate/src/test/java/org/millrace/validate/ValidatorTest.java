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
import org.millrace.validate.schema.SchemaGenParams;
import org.millrace.validate.schema.SchemaInferrer;
import org.millrace.validate.statistics.SplitAccumulator;
import org.millrace.validate.statistics.StatisticsModel;
import org.millrace.validate.validator.Anomaly;
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
    assertEquals("split train, feature 'weather': OUT_OF_DOMAIN expected values in [fog, rain, sun], got unexpected"
        + " values (with counts) {snow=200}", domain.toString());

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
}
