package org.millrace.transform.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;

/** The resolution rules of {@code features: auto}, overrides, {@code exclude:} and {@code columns:} groups. */
class FeatureResolverTest {
  static final DataSchema PENGUINS = DataSchema.of(Feature.of("species", FeatureType.STRING, true),
      Feature.of("island", FeatureType.STRING, true), Feature.of("culmen_length_mm", FeatureType.FLOAT, true),
      Feature.of("body_mass_g", FeatureType.INT, true), Feature.of("sex", FeatureType.STRING, true),
      Feature.of("year", FeatureType.INT, true), Feature.of("alive", FeatureType.BOOL, true));

  @SuppressWarnings("unchecked")
  static TransformParams params(String yaml) {
    try {
      return ParameterBinder.bind(TransformParams.class, new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, FeatureResolver.Choice> byColumn(FeatureResolver.Resolved r) {
    var m = new java.util.LinkedHashMap<String, FeatureResolver.Choice>();
    r.choices().forEach(c -> m.put(c.column(), c));
    return m;
  }

  @Test
  void autoTakesEveryColumnButTheLabelByType() {
    var r = params("label: {feature: species}\nfeatures: auto").resolveFeatures(PENGUINS);
    assertTrue(r.auto());
    assertEquals(List.of("island", "culmen_length_mm", "body_mass_g", "sex", "year", "alive"),
        r.specs().stream().map(FeatureSpec::name).toList());
    var numeric = List.<OpSpec>of(new OpSpec.FillMissing("mean", null, false), new OpSpec.ZScore());
    var categorical = List.<OpSpec>of(new OpSpec.Vocabulary(FeatureResolver.DEFAULT_TOP_K, 1, 1), new OpSpec.OneHot());
    assertEquals(numeric, r.specs().get(1).ops());
    assertEquals(numeric, r.specs().get(2).ops());
    assertEquals(categorical, r.specs().get(0).ops());
    assertEquals(categorical, r.specs().get(5).ops(), "bool is categorical");
    var c = byColumn(r);
    assertEquals("label", c.get("species").rule());
    assertEquals(new FeatureResolver.Choice("culmen_length_mm", "float", "auto", "fill_missing mean, zscore"),
        c.get("culmen_length_mm"));
    assertEquals("vocabulary (top_k 100, min_frequency 1, 1 OOV bucket), one_hot", c.get("island").ops());
    String summary = r.summary();
    assertTrue(summary.contains("float, auto: fill_missing mean, zscore  <- culmen_length_mm"), summary);
    assertTrue(summary.contains("string, label  <- species"), summary);
    assertTrue(r.toJson().contains("\"rule\" : \"auto\""), r.toJson());
  }

  @Test
  void overridesWinExcludeRemovesAndVocabularySettingsApply() {
    var r = params("""
        label: {feature: species}
        features:
          auto: true
          exclude: [year, "al*"]
          min_frequency: 3
          top_k: 5
          num_oov_buckets: 2
          overrides:
            - {feature: body_mass_g, ops: [{fill_missing: median}, zscore]}
            - {cross: [island, sex], ops: [{hash: {buckets: 4}}, one_hot]}
        """).resolveFeatures(PENGUINS);
    assertEquals(List.of("body_mass_g", "island_x_sex", "island", "culmen_length_mm", "sex"),
        r.specs().stream().map(FeatureSpec::name).toList());
    assertEquals(new OpSpec.FillMissing("median", null, false), r.specs().get(0).ops().get(0));
    assertEquals(new OpSpec.Vocabulary(5, 3, 2), r.specs().get(2).ops().get(0));
    var c = byColumn(r);
    assertEquals("listed (features.overrides[0])", c.get("body_mass_g").rule());
    assertEquals("excluded (exclude[0] 'year')", c.get("year").rule());
    assertEquals("excluded (exclude[1] 'al*')", c.get("alive").rule());
    assertEquals("auto", c.get("island").rule(), "a cross adds to its sources' own features");
    assertEquals("cross", c.get("island_x_sex").type());
  }

  @Test
  void columnGroupsTakeOneOpListForEveryMatchingColumn() {
    var cols = new ArrayList<Feature>();
    cols.add(Feature.of("label", FeatureType.INT, false));
    for (int i = 0; i < 64; i++) {
      cols.add(Feature.of("pixel_" + i, FeatureType.INT, false));
    }
    cols.add(Feature.of("source", FeatureType.STRING, false));
    DataSchema wide = DataSchema.of(cols.toArray(Feature[]::new));
    var r = params("""
        label: {feature: label}
        features:
          - {feature: pixel_0, name: corner, ops: [min_max]}
          - {columns: "pixel_*", ops: [zscore]}
        """).resolveFeatures(wide);
    assertEquals(64, r.specs().size(), "pixel_0 by its own entry, 63 by the group, source not used");
    assertEquals("corner", r.specs().get(0).name());
    assertEquals("pixel_1", r.specs().get(1).name());
    assertEquals(List.of(new OpSpec.ZScore()), r.specs().get(63).ops());
    assertEquals("features[1]", r.specs().get(63).path());
    var c = byColumn(r);
    assertEquals("columns 'pixel_*' (features[1])", c.get("pixel_5").rule());
    assertEquals("not used", c.get("source").rule());
    assertTrue(r.summary().contains("columns 'pixel_*' (features[1]): zscore  <- pixel_1, pixel_2"), r.summary());
    assertTrue(r.summary().contains("(63 columns)"), r.summary());

    // Overlapping groups: the first that matches a column wins.
    var o = byColumn(params("""
        label: {feature: label}
        features:
          - {columns: "pixel_1*", ops: [min_max]}
          - {columns: "pixel_*", ops: [zscore]}
        """).resolveFeatures(wide));
    assertEquals("columns 'pixel_1*' (features[0])", o.get("pixel_12").rule());
    assertEquals("min_max", o.get("pixel_12").ops());
    assertEquals("columns 'pixel_*' (features[1])", o.get("pixel_22").rule());

    // With auto, a group in the overrides wins over auto for its columns; auto takes the rest.
    var a = params("""
        label: {feature: label}
        features: {auto: true, overrides: [{columns: ["pixel_1?", "pixel_2?"], ops: [min_max]}]}
        """).resolveFeatures(wide);
    var ac = byColumn(a);
    assertEquals("columns 'pixel_1?', 'pixel_2?' (features.overrides[0])", ac.get("pixel_15").rule());
    assertEquals("auto", ac.get("pixel_1").rule());
    assertEquals("auto", ac.get("pixel_30").rule());
    assertEquals("auto", ac.get("source").rule());
    assertEquals(65, a.specs().size());
  }

  @Test
  void mistakesAreParameterErrorsWithPaths() {
    var e = assertThrows(ParameterException.class, () -> params("label: {feature: species}\nfeatures: automatic"));
    assertEquals("features", e.path());
    assertTrue(e.getMessage().startsWith("features expected auto, a list of"), e.getMessage());
    e = assertThrows(ParameterException.class,
        () -> params("label: {feature: species}\nfeatures: {auto: true, exclud: [x]}"));
    assertEquals("features.exclud", e.path());
    e = assertThrows(ParameterException.class,
        () -> params("label: {feature: species}\nfeatures: {auto: true, exclude: [yaer]}").resolveFeatures(PENGUINS));
    assertEquals("features.exclude[0]", e.path());
    assertTrue(e.getMessage().contains("got 'yaer' (matches none)"), e.getMessage());
    e = assertThrows(ParameterException.class,
        () -> params("label: {feature: species}\nfeatures: [{columns: \"px*\", ops: [zscore]}]").resolveFeatures(PENGUINS));
    assertEquals("features[0].columns", e.path());
    e = assertThrows(ParameterException.class,
        () -> params("label: {feature: species}\nfeatures: [{columns: \"c*\", ops: [zscorr]}]"));
    assertEquals("features[0].ops[0]", e.path());
    e = assertThrows(ParameterException.class, () -> params(
        "label: {feature: species}\nfeatures: {auto: true, exclude: ['*']}").resolveFeatures(PENGUINS));
    assertTrue(e.getMessage().startsWith("features expected at least one feature, got none"), e.getMessage());
    var list = params("label: {feature: species}\nfeatures: [{columns: \"c*\", ops: [zscore]}]");
    assertThrows(IllegalStateException.class, list::featureSpecs);
  }
}
