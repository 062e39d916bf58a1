package org.millrace.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.FeatureType;
import org.millrace.api.format.Anomaly;
import org.millrace.api.format.FeatureStatistics;
import org.millrace.api.format.StatisticsModel;
import org.millrace.validate.schema.SchemaGenParams;
import org.millrace.validate.schema.SchemaInferrer;
import org.millrace.validate.validator.Validator;

/**
 * SchemaGen's bounds on small splits leave room for sampling noise (presence and ranges), a real
 * change still fails, and every anomaly against an inferred bound says how SchemaGen inferred it.
 */
class BoundProvenanceTest {
  static final SchemaGenParams GEN = new SchemaGenParams(null, null, true, null);

  /** One float column {@code x}: rows, missing, and the observed min and max. */
  static StatisticsModel stats(String split, long rows, long missing, double min, double max) {
    var numeric = new FeatureStatistics.Numeric(min, max, (min + max) / 2, (max - min) / 4, 0, Map.of(), List.of());
    var f = new FeatureStatistics("x", FeatureType.FLOAT, rows, rows - missing, missing, 0, numeric, null);
    return new StatisticsModel(split, rows, List.of(f));
  }

  @Test
  void theIssuesCasePassesARealDropFailsAndTheAnomalySaysWhereItsBoundCameFrom() {
    // ~98.5% present overall: train 267 rows with 4 missing, eval 77 rows with 5 missing (93.5% present).
    StatisticsModel train = stats("train", 267, 4, 0, 10);
    DataSchema schema = SchemaInferrer.infer(train, GEN);
    // 263 of 267 present (0.985): the bound is the 99.9% Wilson interval's lower end 0.9356, rounded down.
    assertEquals(0.93, schema.feature("x").minPresence(), "a bound below the observed 0.985, for sampling noise");
    Map<String, Map<String, String>> how = SchemaInferrer.provenance(train, GEN);
    assertEquals(List.of(), Validator.againstSchema(stats("eval", 77, 5, 0, 10), schema, "schema s", how));

    // Half the values gone is no sampling noise.
    List<Anomaly> drop = Validator.againstSchema(stats("eval", 77, 39, 0, 10), schema, "schema s", how);
    assertEquals(1, drop.size(), drop.toString());
    String text = drop.get(0).toString();
    assertTrue(text.contains("LOW_PRESENCE expected presence >= " + schema.feature("x").minPresence()), text);
    assertTrue(text.contains("inferred by SchemaGen from the train split (267 rows, 4 missing, presence 0.9850): the"
        + " lower end of a 99.9% Wilson interval"), text);
    assertTrue(text.contains("39 of 77 rows missing"), text);
  }

  @Test
  void rangesFromASmallSplitAreWidenedAndSayHow() {
    // 50 train rows in [0, 10]: range_margin 0.25 x sqrt(1000/50) = 1.118 of the width at each end.
    StatisticsModel train = stats("train", 50, 0, 0, 10);
    DataSchema schema = SchemaInferrer.infer(train, GEN);
    assertTrue(schema.feature("x").max() > 20 && schema.feature("x").min() < -10, schema.feature("x").toString());
    Map<String, Map<String, String>> how = SchemaInferrer.provenance(train, GEN);
    // An eval split reaching a little past the train split's extremes is what a small sample predicts.
    assertEquals(List.of(), Validator.againstSchema(stats("eval", 30, 0, -3, 14), schema, "schema s", how));
    // Values ten times the seen range are not.
    List<Anomaly> out = Validator.againstSchema(stats("eval", 30, 0, 0, 100), schema, "schema s", how);
    assertEquals(1, out.size(), out.toString());
    String text = out.get(0).toString();
    assertTrue(text.contains("OUT_OF_RANGE expected max <= " + schema.feature("x").max() + " (schema s: inferred by"
        + " SchemaGen from the train split (50 rows): the observed max 10.0 plus a margin of 11.1803 (range_margin 0.25"
        + " x sqrt(1000/50) = 1.1180, widened for a split under 1000 rows of the observed width 10.0000)"), text);

    // From 1000 rows on, range_margin as it is: [0, 10] gives [-2.5, 12.5].
    DataSchema big = SchemaInferrer.infer(stats("train", 5000, 0, 0, 10), GEN);
    assertEquals(12.5, big.feature("x").max());
    assertEquals(-2.5, big.feature("x").min());
  }

  @Test
  void aBoundWrittenByHandNamesOnlyItsSchema() {
    DataSchema schema = SchemaInferrer.infer(stats("train", 50, 0, 0, 10), GEN);
    List<Anomaly> out = Validator.againstSchema(stats("eval", 30, 0, 0, 100), schema, "schema s", Map.of());
    assertEquals(1, out.size(), out.toString());
    assertTrue(out.get(0).toString().contains("(schema s), got max 100.0"), out.get(0).toString());
  }

  /** One string column {@code c} with these values, once each. */
  static StatisticsModel strings(String split, String... values) {
    var counts = new java.util.LinkedHashMap<String, Long>();
    for (String v : values) {
      counts.put(v, 1L);
    }
    var c = new FeatureStatistics.Categorical(counts.size(), true, List.of(), counts, 1.0);
    var f = new FeatureStatistics("c", FeatureType.STRING, values.length, values.length, 0, 0, null, c);
    return new StatisticsModel(split, values.length, List.of(f));
  }

  /**
   * A value rare enough to land in the eval split alone is in the domain (as TFX's SchemaGen, which
   * excludes no split): it was an OUT_OF_DOMAIN anomaly of the first run of a pipeline init wrote.
   */
  @Test
  void aDomainHoldsTheValuesOfEverySplit() {
    StatisticsModel train = strings("train", "a", "b");
    StatisticsModel eval = strings("eval", "b", "rare");
    DataSchema schema = SchemaInferrer.infer(train, List.of(eval), GEN);
    assertEquals(List.of("a", "b", "rare"), schema.feature("c").domain());
    Map<String, Map<String, String>> how = SchemaInferrer.provenance(train, List.of(eval), GEN);
    assertEquals("inferred by SchemaGen from the train split (2 rows): the 2 values seen there and 1 more seen in the"
        + " eval split (max_domain_size 20)", how.get("c").get("domain"));
    assertEquals(List.of(), Validator.againstSchema(eval, schema, "schema s", how));
    // A value in no split of the data the schema came from is still one.
    List<Anomaly> unseen = Validator.againstSchema(strings("eval", "new"), schema, "schema s", how);
    assertEquals(1, unseen.size(), unseen.toString());
  }
}
