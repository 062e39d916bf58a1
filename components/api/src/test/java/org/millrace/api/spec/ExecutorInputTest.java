package org.millrace.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.artifact.Artifact;
import org.millrace.api.artifact.Examples;
import org.millrace.api.artifact.Model;
import org.millrace.api.artifact.Schema;

class ExecutorInputTest {
  static final InputKey<Examples> EXAMPLES = InputKey.of("examples", Examples.TYPE);
  static final InputKey<Schema> SCHEMA = InputKey.optional("schema", Schema.TYPE);
  static final OutputKey<Model> MODEL = OutputKey.of("model", Model.TYPE);

  @Test
  void returnsTypedInputsAndOutputs() {
    var ex = new Examples("/tmp/ex", Examples.splitProperties(List.of("train", "eval")));
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of("examples", List.of(ex)),
        Map.of("model", Path.of("/tmp/out")), "p");
    assertEquals(ex, in.input(EXAMPLES));
    assertTrue(in.optionalInput(SCHEMA).isEmpty());
    assertEquals(Path.of("/tmp/out"), in.output(MODEL));
    assertEquals(List.of("train", "eval"), ex.splitNames());
    assertEquals(Path.of("/tmp/ex/Split-eval"), ex.splitDir("eval"));
  }

  @Test
  void wrongArtifactTypeIsNamed() {
    var model = new Model("/tmp/m", Map.of());
    var in = new ExecutorInput<>(Map.<String, List<Artifact>>of("examples", List.of(model)), Map.of(), "p");
    var e = assertThrows(IllegalArgumentException.class, () -> in.input(EXAMPLES));
    assertEquals("artifact expected type Examples, got Model at /tmp/m", e.getMessage());
  }

  @Test
  void missingInputAndOutputAreNamed() {
    var in = new ExecutorInput<>(Map.of(), Map.of("other", Path.of("/x")), "p");
    assertEquals("input 'examples' expected exactly one Examples artifact, got 0",
        assertThrows(IllegalArgumentException.class, () -> in.input(EXAMPLES)).getMessage());
    assertEquals("output 'model' expected one of [other], got no directory for it",
        assertThrows(IllegalArgumentException.class, () -> in.output(MODEL)).getMessage());
  }

  @Test
  void unknownSplitAndBadPropertiesAreNamed() {
    var ex = new Examples("/tmp/ex", Map.of("split_names", "train", "span", "x"));
    assertEquals("split expected one of [train], got 'eval' in Examples /tmp/ex",
        assertThrows(IllegalArgumentException.class, () -> ex.splitDir("eval")).getMessage());
    assertEquals("Examples property 'span' expected an integer, got 'x' in /tmp/ex",
        assertThrows(IllegalStateException.class, () -> ex.longProperty("span")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Examples("/tmp/ex", Map.of("bad", new Object())));
  }

  @Test
  void keysMustBeSnakeCase() {
    var e = assertThrows(IllegalArgumentException.class, () -> InputKey.of("Examples", Examples.TYPE));
    assertEquals("input key expected lower_snake_case ([a-z][a-z0-9_]*), got 'Examples'", e.getMessage());
  }
}
