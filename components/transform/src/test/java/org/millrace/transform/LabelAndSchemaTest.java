package org.millrace.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Schema;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ExecutionContext;
import org.millrace.api.spec.ExecutorInput;
import org.millrace.api.spec.ParameterException;
import org.millrace.transform.analyze.GraphBuilder;
import org.millrace.transform.analyze.LocalAnalysis;
import org.millrace.transform.graph.Graph;

class LabelAndSchemaTest {
  static final DataSchema SCHEMA = DataSchema.of(Feature.of("mass", FeatureType.INT, false),
      Feature.of("grade", FeatureType.INT, false));

  static Batch rows() {
    var b = new BatchBuilder(SCHEMA, 4);
    b.addRow(3000L, 10L);
    b.addRow(4000L, 2L);
    b.addRow(5000L, 2L);
    return b.build();
  }

  @Test
  void regressionKeepsTheValueAndIntClassesSortNumerically() {
    var reg = TestData.params("label: {feature: grade, task: regression}\nfeatures: [{feature: mass, ops: [zscore]}]");
    Graph g = LocalAnalysis.fit(new GraphBuilder(reg, SCHEMA), List.of(rows()));
    assertEquals(org.millrace.api.model.Task.REGRESSION, g.task());
    assertArrayEquals(new float[] {10f, 2f, 2f}, g.apply(rows()).labels());

    var cls = TestData.params("label: {feature: grade}\nfeatures: [{feature: mass, ops: [zscore]}]");
    Graph c = LocalAnalysis.fit(new GraphBuilder(cls, SCHEMA), List.of(rows()));
    assertEquals(List.of("2", "10"), c.labelVocabulary());
    assertArrayEquals(new float[] {1f, 0f, 0f}, c.apply(rows()).labels());
    assertEquals(1f, c.encodeLabel(10));  // a JSON integer reads as the INT class "10"
  }

  /**
   * A column the spec leaves out is named in the graph (ignored_inputs, round-tripped through its
   * JSON): serving then takes a data lake's whole row, ignoring it as it ignores the label.
   */
  @Test
  void theColumnsTheGraphDoesNotReadAreNamedInIt() {
    var three = DataSchema.of(Feature.of("mass", FeatureType.INT, false), Feature.of("grade", FeatureType.INT, false),
        Feature.of("site", FeatureType.STRING, true));
    var b = new BatchBuilder(three, 3);
    b.addRow(3000L, 10L, "north");
    b.addRow(4000L, 2L, "south");
    b.addRow(5000L, 2L, null);
    Graph g = LocalAnalysis.fit(new GraphBuilder(TestData.params("label: {feature: grade}\n"
        + "features: [{feature: mass, ops: [zscore]}]"), three), List.of(b.build()));
    assertEquals(List.of("site"), g.ignoredInputs());
    assertEquals(List.of("site"), Graph.fromJson(g.toJson()).ignoredInputs());
    assertEquals(g.toJson(), Graph.fromJson(g.toJson()).toJson());
    // Every column read: none named, and the JSON as before (no ignored_inputs key).
    Graph all = LocalAnalysis.fit(new GraphBuilder(TestData.params("label: {feature: grade}\n"
        + "features: [{feature: mass, ops: [zscore]}]"), SCHEMA), List.of(rows()));
    assertEquals(List.of(), all.ignoredInputs());
    assertTrue(!all.toJson().contains("ignored_inputs"), all.toJson());
  }

  @Test
  void labelAsFeatureAndStringRegressionAreRejected() {
    var e = assertThrows(ParameterException.class, () -> new GraphBuilder(
        TestData.params("label: {feature: grade}\nfeatures: [{feature: grade, ops: [zscore]}]"), SCHEMA));
    assertEquals("features[0].feature", e.path());
    assertTrue(e.getMessage().startsWith("feature expected not to be the label, got 'grade'"), e.getMessage());
    var s = DataSchema.of(Feature.of("y", FeatureType.STRING, false), Feature.of("x", FeatureType.FLOAT, false));
    e = assertThrows(ParameterException.class, () -> new GraphBuilder(
        TestData.params("label: {feature: y, task: regression}\nfeatures: [{feature: x, ops: [zscore]}]"), s));
    assertEquals("label.task", e.path());
  }

  @Test
  void schemaInputTypeMismatchNamesTheFile(@TempDir Path dir) {
    var ex = TestData.examples(dir.resolve("raw"), 1, Map.of("train", List.of(rows())));
    Path schemaDir = dir.resolve("schema");
    DataSchema declared = DataSchema.of(Feature.of("mass", FeatureType.FLOAT, false), Feature.of("grade", FeatureType.INT, false));
    try {
      java.nio.file.Files.createDirectories(schemaDir);
    } catch (java.io.IOException ex2) {
      throw new IllegalStateException(ex2);
    }
    declared.writeYaml(schemaDir.resolve("schema.yaml"));
    var params = TestData.params("label: {feature: grade}\nfeatures: [{feature: mass, ops: [zscore]}]");
    var in = new ExecutorInput<>(Map.of("examples", List.<Artifact>of(ex), "schema",
        List.<Artifact>of(new Schema(schemaDir.toString(), Map.of()))),
        Map.of("transform_graph", dir.resolve("g"), "transformed_examples", dir.resolve("t")), params);
    var e = assertThrows(IllegalArgumentException.class, () -> new TransformExecutor().execute(in,
        ExecutionContext.standalone("transform", dir.resolve("tmp"), List.of())));
    assertEquals("feature 'mass' expected type float (from " + schemaDir.resolve("schema.yaml")
        + "), got int in the examples", e.getMessage());
  }
}
