package org.millrace.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Examples;
import org.millrace.api.data.Batch;
import org.millrace.api.data.BatchBuilder;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.Feature;
import org.millrace.api.data.FeatureType;
import org.millrace.api.spec.ParameterException;
import org.millrace.transform.analyze.GraphBuilder;
import org.millrace.transform.analyze.LocalAnalysis;
import org.millrace.transform.graph.Graph;

/**
 * A label class absent from the analyze split (an error naming class, split and fix, or handled by
 * {@code label.classes}), and a missing label (named by the row's content, pointing to
 * ExampleGen's {@code missing_label}).
 */
class LabelPolicyTest {
  static final DataSchema SCHEMA = DataSchema.of(Feature.of("x", FeatureType.FLOAT, false),
      Feature.of("species", FeatureType.STRING, true));

  static Batch rows(Object... xAndSpecies) {
    var b = new BatchBuilder(SCHEMA, 8);
    for (int i = 0; i < xAndSpecies.length; i += 2) {
      b.addRow(xAndSpecies[i], xAndSpecies[i + 1]);
    }
    return b.build();
  }

  static Examples examples(Path dir, Batch eval) {
    return TestData.examples(dir.resolve("raw"), 1, Map.of("train", List.of(rows(1.0, "Adelie", 2.0, "Chinstrap")),
        "eval", List.of(eval)));
  }

  /**
   * A directory under target/ for a run that fails: the embedded runner's threads may still be
   * closing files there when the failure reaches the test, so JUnit's temp-dir cleanup would fail.
   */
  static Path scratch(String name) throws java.io.IOException {
    return java.nio.file.Files.createDirectories(Path.of("target", "label-policy-test", name + "-" + java.util.UUID.randomUUID()));
  }

  /** The message of the outermost IllegalArgumentException (Beam wraps what a DoFn throws). */
  static String failure(org.junit.jupiter.api.function.Executable run) {
    Throwable thrown = assertThrows(RuntimeException.class, run);
    Throwable t = thrown;
    while (t != null && !(t instanceof IllegalArgumentException)) {
      t = t.getCause();
    }
    if (t == null) {
      throw new AssertionError("no IllegalArgumentException in the chain", thrown);
    }
    return t.getMessage();
  }

  @Test
  void aClassOnlyInTheEvalSplitNamesClassSplitAndFix() throws Exception {
    Path dir = scratch("unseen");
    var params = TestData.params("label: {feature: species}\nfeatures: [{feature: x, ops: [zscore]}]");
    String m = failure(() -> TransformExecutorTest.run(dir, List.of(examples(dir, rows(3.0, "Gentoo"))), params,
        List.of()));
    assertTrue(m.startsWith("label 'species' class 'Gentoo' occurs in split 'eval' but not in the analyze splits [train],"
        + " where the classes [Adelie, Chinstrap] were fitted"), m);
    assertTrue(m.contains("Fix: name every class, label: {feature: species, classes: [Adelie, Chinstrap, Gentoo]}"), m);
    assertTrue(m.contains("[in the row {x: 3.0, species: Gentoo}]"), m);
    assertFalse(m.contains("of the batch"), m);
  }

  @Test
  void aNumericLabelOfManyValuesAsClassesPointsToRegression() throws Exception {
    Path dir = scratch("numeric");
    var schema = DataSchema.of(Feature.of("x", FeatureType.FLOAT, false), Feature.of("progression", FeatureType.INT,
        true));
    var train = new BatchBuilder(schema, 64);
    for (int i = 0; i < 30; i++) {
      train.addRow((double) i, 25L + 7 * i);
    }
    var eval = new BatchBuilder(schema, 1);
    eval.addRow(3.0, 206L);
    Examples examples = TestData.examples(dir.resolve("raw"), 1, Map.of("train", List.of(train.build()),
        "eval", List.of(eval.build())));
    var params = TestData.params("label: {feature: progression}\nfeatures: [{feature: x, ops: [zscore]}]");
    String m = failure(() -> TransformExecutorTest.run(dir, List.of(examples), params, List.of()));
    assertTrue(m.startsWith("label 'progression' class '206' occurs in split 'eval' but not in the analyze splits"
        + " [train], where 30 classes were fitted, all numbers ("), m);
    assertTrue(m.contains(", ... 20 more]): a numeric label with that many values is usually a regression target."
        + " Fix: label: {feature: progression, task: regression}"), m);
    assertTrue(m.length() < 600, "a readable line, not every class twice: " + m);
  }

  @Test
  void labelClassesNameEveryClassInOrder(@TempDir Path dir) throws Exception {
    var params = TestData.params(
        "label: {feature: species, classes: [Gentoo, Adelie, Chinstrap]}\nfeatures: [{feature: x, ops: [zscore]}]");
    TransformExecutorTest.run(dir, List.of(examples(dir, rows(3.0, "Gentoo"))), params, List.of());
    Graph g = Graph.read(dir.resolve("graph"));
    assertEquals(List.of("Gentoo", "Adelie", "Chinstrap"), g.labelVocabulary());
    assertEquals(0f, g.encodeLabel("Gentoo"));

    // A value outside label.classes names it, its split and the fix.
    var narrow = TestData.params("label: {feature: species, classes: [Adelie, Chinstrap]}\n"
        + "features: [{feature: x, ops: [zscore]}]");
    Path d2 = scratch("narrow");
    String m = failure(() -> TransformExecutorTest.run(d2, List.of(examples(d2, rows(3.0, "Gentoo"))), narrow,
        List.of()));
    assertTrue(m.startsWith("label 'species' expected one of label.classes [Adelie, Chinstrap], got 'Gentoo'"
        + " in split 'eval'. Fix: add 'Gentoo' to label.classes"), m);
  }

  @Test
  void intClassesReadAsTheLabelsValuesAndBadClassesAreParameterErrors() {
    var s = DataSchema.of(Feature.of("x", FeatureType.FLOAT, false), Feature.of("digit", FeatureType.INT, false));
    var b = new BatchBuilder(s, 4);
    b.addRow(1.0, 7L);
    b.addRow(2.0, 3L);
    var params = TestData.params("label: {feature: digit, classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}\n"
        + "features: [{feature: x, ops: [zscore]}]");
    Graph g = LocalAnalysis.fit(new GraphBuilder(params, s), List.of(b.build()));
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), g.labelVocabulary());
    assertArrayEquals(new float[] {7f, 3f}, g.apply(b.build()).labels());
    var e = assertThrows(ParameterException.class, () -> TestData.params(
        "label: {feature: y, task: regression, classes: [a]}\nfeatures: [{feature: x, ops: [zscore]}]"));
    assertEquals("label.classes", e.path());
    e = assertThrows(ParameterException.class, () -> new GraphBuilder(TestData.params(
        "label: {feature: digit, classes: [1, 1.0]}\nfeatures: [{feature: x, ops: [zscore]}]"), s));
    assertEquals("label.classes[1]", e.path());
  }

  @Test
  void aMissingLabelNamesTheRowAndTheIngestPolicy() throws Exception {
    Path dir = scratch("missing");
    var params = TestData.params("label: {feature: species}\nfeatures: [{feature: x, ops: [zscore]}]");
    String m = failure(() -> TransformExecutorTest.run(dir, List.of(examples(dir, rows(3.0, null))), params,
        List.of()));
    assertTrue(m.startsWith("label 'species' expected a value, got missing [in the row {x: 3.0, species: missing}]"
        + " [in split 'eval' of "), m);
    assertTrue(m.endsWith("Fix: set label: species and missing_label: drop (or quarantine) on the ExampleGen, which sets"
        + " such rows aside at ingest naming their input file and line"), m);
  }
}
