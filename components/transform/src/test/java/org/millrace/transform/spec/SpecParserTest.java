package org.millrace.transform.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;

class SpecParserTest {

  static ParameterException reject(Map<String, Object> feature) {
    return assertThrows(ParameterException.class, () -> ParameterBinder.bind(TransformParams.class,
        Map.of("label", Map.of("feature", "y"), "features", List.of(Map.of("feature", "a", "ops", List.of("zscore")), feature))));
  }

  @Test
  void parsesEveryOpAndShortForms() {
    var specs = SpecParser.parse(List.of(
        Map.of("feature", "a", "ops", List.of(Map.of("fill_missing", "mean", "indicator", true), "zscore",
            Map.of("clip", Map.of("min", -3, "max", 3)))),
        Map.of("feature", "b", "name", "b2", "ops", List.of(Map.of("fill_missing", Map.of("strategy", "constant", "value", 0)),
            Map.of("log1p", Map.of()), Map.of("bucketize", Map.of("boundaries", List.of(1, 2.5))), Map.of("one_hot", Map.of()))),
        Map.of("cross", List.of("c", "d"), "ops", List.of(Map.of("hash", Map.of("buckets", 8)))),
        Map.of("feature", "e", "ops", List.of(Map.of("vocabulary", Map.of("top_k", 3, "min_frequency", 2, "num_oov_buckets", 0)),
            "min_max"))));
    assertEquals(List.of(new OpSpec.FillMissing("mean", null, true), new OpSpec.ZScore(), new OpSpec.Clip(-3.0, 3.0)),
        specs.get(0).ops());
    assertEquals("b2", specs.get(1).name());
    assertEquals(new OpSpec.Bucketize(null, List.of(1.0, 2.5)), specs.get(1).ops().get(2));
    assertEquals("c_x_d", specs.get(2).name());
    assertEquals(List.of("c", "d"), specs.get(2).sources());
    assertEquals(new OpSpec.Vocabulary(3, 2, 0), specs.get(3).ops().get(0));
  }

  @Test
  void rejectsUnknownOpsAndKeysWithPath() {
    var e = reject(Map.of("feature", "b", "ops", List.of("zscore", Map.of("standardize", Map.of()))));
    assertEquals("features[1].ops[1].standardize", e.path());
    assertEquals("op expected one of [fill_missing, zscore, min_max, log1p, clip, bucketize, vocabulary, hash, one_hot],"
        + " got 'standardize'", e.getMessage());
    e = reject(Map.of("feature", "b", "ops", List.of(Map.of("vocabulary", Map.of("topk", 3)))));
    assertEquals("features[1].ops[0].vocabulary.topk", e.path());
    assertEquals("key expected one of [min_frequency, num_oov_buckets, top_k] in features[1].ops[0].vocabulary, got 'topk'",
        e.getMessage());
    e = reject(Map.of("feature", "b", "opz", List.of()));
    assertEquals("features[1].opz", e.path());
    e = reject(Map.of("feature", "b", "ops", List.of(Map.of("bucketize", Map.of()))));
    assertEquals("bucketize expected exactly one of quantiles or boundaries, got neither", e.getMessage());
    e = reject(Map.of("feature", "b", "ops", List.of(Map.of("fill_missing", "average"))));
    assertEquals("features[1].ops[0].fill_missing.strategy", e.path());
    e = reject(Map.of("feature", "a", "ops", List.of("zscore")));
    assertEquals("features[1].name", e.path());
    e = reject(Map.of("cross", List.of("a"), "ops", List.of("hash")));
    assertEquals("cross expected at least 2 features, got [a]", e.getMessage());
    e = reject(Map.of("feature", "b", "ops", List.of(Map.of("hash", Map.of("buckets", 0)))));
    assertEquals("hash buckets expected >= 1, got 0", e.getMessage());
  }

  @Test
  void parametersRoundTripThroughTheCanonicalMap() {
    var p = ParameterBinder.bind(TransformParams.class, Map.of("label", Map.of("feature", "y"),
        "features", List.of(Map.of("feature", "a", "ops", List.of(Map.of("fill_missing", "mean", "indicator", true), "zscore")))));
    assertEquals(List.of("train"), p.analyzeSplits());
    assertEquals("error", p.nanPolicy());
    assertEquals(org.millrace.api.model.Task.CLASSIFICATION, p.label().task());
    var map = ParameterBinder.toMap(p);
    assertEquals(java.util.Set.of("label", "features", "analyze_splits", "nan_policy", "shards"),
        new java.util.TreeMap<>(map).keySet().stream().filter(k -> map.get(k) != null).collect(java.util.stream.Collectors.toSet()));
    assertEquals(p, ParameterBinder.bind(TransformParams.class, map));
  }

  @Test
  void rejectsBadTopLevelValues() {
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TransformParams.class,
        Map.of("label", Map.of("feature", "y", "task", "ranking"), "features", List.of(Map.of("feature", "a", "ops", List.of("zscore"))))));
    assertEquals("parameter 'label.task' expected one of [classification, regression], got 'ranking'", e.getMessage());
    assertEquals("label.task", e.path());
    e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TransformParams.class,
        Map.of("label", Map.of("feature", "y"), "nan_policy", "ignore", "features", List.of(Map.of("feature", "a", "ops", List.of("zscore"))))));
    assertEquals("nan_policy", e.path());
  }
}
