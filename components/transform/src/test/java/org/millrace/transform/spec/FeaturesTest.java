package org.millrace.transform.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;

/**
 * Transform {@code features} bind once into {@link Features}; the canonical parameters keep them
 * as written; errors name the path; resolution works from the typed value alone.
 */
class FeaturesTest {
  static Map<String, Object> raw(String yaml) {
    try {
      return new YAMLMapper().readValue(yaml, new TypeReference<Map<String, Object>>() {});
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Object json(Object value) {
    var mapper = ParameterBinder.mapper();
    try {
      return mapper.readValue(mapper.writeValueAsString(value), new TypeReference<Object>() {});
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static final String LIST = """
      label: {feature: species}
      features:
        - {feature: culmen_length_mm, ops: [{fill_missing: mean, indicator: true}, zscore]}
        - {feature: body_mass_g, name: mass, ops: [{fill_missing: {strategy: constant, value: 0}}, {clip: {min: 0, max: 9.5}}]}
        - {cross: [island, sex], ops: [{hash: {buckets: 16}}, {one_hot: null}]}
        - {columns: ["y*", alive], ops: [{vocabulary: {top_k: 3}}, one_hot]}
      """;
  static final String AUTO = """
      label: {feature: species}
      features: {auto: true, exclude: ["is*"], top_k: 7, num_oov_buckets: 0,
                 overrides: [{feature: body_mass_g, ops: [log1p]}, {columns: "s?x", ops: [{one_hot: {}}]}]}
      """;

  @Test
  void bindsOnceIntoTypedVariantsAndSerializesAsWritten() {
    for (String yaml : List.of(LIST, AUTO, "label: {feature: species}\nfeatures: auto")) {
      Map<String, Object> raw = raw(yaml);
      TransformParams p = ParameterBinder.bind(TransformParams.class, raw);
      assertEquals(json(raw.get("features")), ParameterBinder.toMap(p).get("features"), yaml);
      TransformParams again = ParameterBinder.bind(TransformParams.class, ParameterBinder.toMap(p));
      assertEquals(ParameterBinder.toCacheJson(p), ParameterBinder.toCacheJson(again), yaml);
      assertEquals(p.features().listed(), again.features().listed(), yaml);
    }
    var list = assertInstanceOf(Features.Explicit.class, ParameterBinder.bind(TransformParams.class, raw(LIST)).features());
    assertEquals(List.of("culmen_length_mm", "mass", "island_x_sex"), list.listed().stream().map(FeatureSpec::name)
        .toList());
    assertEquals(new OpSpec.Clip(0.0, 9.5), list.listed().get(1).ops().get(1));
    assertEquals(List.of("y*", "alive"), list.groups().get(0).patterns());
    assertEquals("features[3]", list.groups().get(0).path());
    assertTrue(list.needsSchema());
    var auto = assertInstanceOf(Features.Auto.class, ParameterBinder.bind(TransformParams.class, raw(AUTO)).features());
    assertEquals(List.of(List.of("is*"), 7, 1, 0), List.of(auto.exclude(), auto.topK(), auto.minFrequency(),
        auto.numOovBuckets()));
    assertEquals("features.overrides[0]", auto.listed().get(0).path());
    assertEquals("features.overrides[1]", auto.groups().get(0).path());
  }

  @Test
  void theBoundValueIsACopy() {
    Map<String, Object> raw = new LinkedHashMap<>(raw(LIST));
    TransformParams p = ParameterBinder.bind(TransformParams.class, raw);
    Object before = ParameterBinder.toMap(p).get("features");
    @SuppressWarnings("unchecked")
    var entries = (List<Object>) raw.get("features");
    entries.remove(0);
    assertEquals(before, ParameterBinder.toMap(p).get("features"));
    assertThrows(UnsupportedOperationException.class, () -> ((List<?>) p.features().written()).remove(0));
  }

  @Test
  void resolvesFromTheTypedValueWithoutMaps() {
    // Made in code, no map: what the executor sees after binding.
    var features = new Features.Auto(List.of("is*"), 7, 1, 0,
        List.of(new FeatureSpec("mass", List.of("body_mass_g"), List.of(new OpSpec.Log1p()), "features.overrides[0]")),
        List.of(new Features.Group(List.of("s?x"), List.of(new OpSpec.OneHot()), "features.overrides[1]")), "auto");
    var r = FeatureResolver.resolve(features, FeatureResolverTest.PENGUINS, "species");
    var c = FeatureResolverTest.byColumn(r);
    assertEquals("listed (features.overrides[0])", c.get("body_mass_g").rule());
    assertEquals("columns 's?x' (features.overrides[1])", c.get("sex").rule());
    assertEquals("excluded (exclude[0] 'is*')", c.get("island").rule());
    assertEquals("vocabulary (top_k 7, min_frequency 1, 0 OOV buckets), one_hot", c.get("alive").ops());
    assertEquals(List.of("mass", "culmen_length_mm", "sex", "year", "alive"),
        r.specs().stream().map(FeatureSpec::name).toList());
    var explicit = new Features.Explicit(List.of(new FeatureSpec("x", List.of("year"), List.of(new OpSpec.ZScore()),
        "features[0]")), List.of(), List.of());
    assertFalse(explicit.needsSchema());
    assertFalse(FeatureResolver.resolve(explicit, FeatureResolverTest.PENGUINS, "species").auto());
  }

  static String error(String yaml) {
    return assertThrows(ParameterException.class, () -> ParameterBinder.bind(TransformParams.class, raw(yaml)))
        .getMessage();
  }

  @Test
  void errorsNameThePath() {
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TransformParams.class, raw("""
        label: {feature: species}
        features: [{feature: a, ops: [zscore]}, {feature: b, ops: [zscore, min_max, {sqrt: {}}]}]
        """)));
    assertTrue(e.path().startsWith("features[1].ops[2]"), e.path());
    assertTrue(e.getMessage().contains("sqrt"), e.getMessage());
    assertEquals("features[1] expected a map {feature|cross|columns, ops}, got zscore",
        error("label: {feature: species}\nfeatures: [{feature: a, ops: [zscore]}, zscore]"));
    assertEquals("features.auto expected true (for only the listed features, give features as a list), got false",
        error("label: {feature: species}\nfeatures: {auto: false}"));
    assertEquals("features expected auto, a list of {feature|cross|columns, ops} or a map {auto: true, exclude, "
        + "overrides, ...}, got none", error("label: {feature: species}"));
    assertEquals("columns expected a pattern or a non-empty list of them, got []",
        error("label: {feature: species}\nfeatures: {auto: true, overrides: [{columns: [], ops: [zscore]}]}"));
  }
}
