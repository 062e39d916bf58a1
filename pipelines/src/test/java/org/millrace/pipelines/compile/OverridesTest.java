package org.millrace.pipelines.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --set values mean what the same text means in a pipeline file. */
class OverridesTest {
  static Object fromFile(String value) {
    var raw = YamlPipelineLoader.load("p.yaml", """
        pipeline: p
        pipeline_root: /tmp/p
        nodes:
          n: {component: C, parameters: {x: %s}}
        """.formatted(value));
    return raw.nodes().get(0).parameters().get("x");
  }

  @Test
  void valuesAreTypedAsInThePipelineFile() {
    for (String v : List.of("3", "0.5", "true", "yes", "on", "off", "text", "2026-11-01", "12:30", "010", "0x1F", ".inf",
        "[2012, 2014]", "{patience: 3}", "null")) {
      assertEquals(fromFile(v), Overrides.parse("n.x=" + v).value(), v);
    }
    assertEquals(true, Overrides.parse("n.x=yes").value());
    assertEquals("2026-11-01", Overrides.parse("n.x=2026-11-01").value());
    assertEquals(3L, Overrides.parse("n.x=3").value());
    assertEquals(List.of(2012L, 2014L), Overrides.parse("n.x=[2012, 2014]").value());
    assertEquals(Map.of("patience", 3L), Overrides.parse("n.x={patience: 3}").value());
    assertNull(Overrides.parse("n.x=").value());
  }

  @Test
  void malformedOverridesSayWhatWasExpected() {
    assertEquals("--set expected NODE.PARAMETER=VALUE, got 'x=1'",
        assertThrows(IllegalArgumentException.class, () -> Overrides.parse("x=1")).getMessage());
    assertEquals("--set expected NODE.PARAMETER=VALUE, got 'n.=1'",
        assertThrows(IllegalArgumentException.class, () -> Overrides.parse("n.=1")).getMessage());
    var e = assertThrows(IllegalArgumentException.class, () -> Overrides.parse("n.x=[1, 2"));
    assertEquals(true, e.getMessage().startsWith("--set n.x expected a YAML value, got '[1, 2': "), e.getMessage());
  }
}
