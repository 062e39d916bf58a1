package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.Value;
import org.millrace.pipelines.launch.Keys;

/** {@code runs diff} says why two executions of a node gave different outputs. */
class RunsDiffTest {
  private static Execution exec(String inputs, String driver, String params, String version) {
    return Execution.create("Trainer", ExecutionState.COMPLETE, Map.of(), Map.of(
        Keys.CACHE_INPUTS, Value.of(inputs), Keys.CACHE_DRIVER, Value.of(driver),
        Keys.CACHE_PARAMETERS, Value.of(params), Keys.CACHE_EXECUTOR_VERSION, Value.of(version)));
  }

  @Test
  void namesTheCause() {
    Execution base = exec("{\"examples\":[\"aa\"]}", "", "{\"epochs\":2}", "1");
    String same = RunsDiffCommand.why(base, exec("{\"examples\":[\"aa\"]}", "", "{\"epochs\":2}", "1"));
    assertTrue(same.startsWith("nondeterminism"), same);
    // The same content at other locations (computed anew): not nondeterminism.
    String moved = RunsDiffCommand.why(base, exec("{\"examples\":[\"aa\"]}", "", "{\"epochs\":2}", "1"),
        e -> Map.of("model", List.of(e == base ? "/root/trainer/model/14-a" : "/root/trainer/model/23-b")));
    assertEquals("input location: the same content in other artifacts (computed anew) for ['model'], and the output"
        + " names its inputs' locations", moved);
    String input = RunsDiffCommand.why(base, exec("{\"examples\":[\"bb\"]}", "", "{\"epochs\":2}", "1"));
    assertTrue(input.startsWith("input") && !input.contains("nondeterminism"), input);
    String data = RunsDiffCommand.why(base, exec("{\"examples\":[\"aa\"]}", "ff00", "{\"epochs\":2}", "1"));
    assertTrue(data.startsWith("input: the external data"), data);
    String param = RunsDiffCommand.why(base, exec("{\"examples\":[\"aa\"]}", "", "{\"epochs\":3}", "1"));
    assertTrue(param.equals("parameter: 'epochs' changed: 2 -> 3"), param);
    String code = RunsDiffCommand.why(base, exec("{\"examples\":[\"aa\"]}", "", "{\"epochs\":2}", "2"));
    assertTrue(code.startsWith("code version: 1 vs 2"), code);
  }

  /**
   * The reasons name what changed, as runs explain does: the data's changed lines (it cut both
   * fingerprints at 16 characters: "versio vs versio"), each parameter (the whole JSON both sides).
   */
  @Test
  void theReasonsNameWhatChanged() {
    String spans = "spans=[0] versions=[0]\n";
    Execution before = exec("{}", spans + "/lake/penguins.csv 13828 2026-12-08T01:00:00Z", "{\"epochs\":40,\"seed\":42}",
        "1");
    Execution after = exec("{}", spans + "/lake/penguins.csv 13828 2026-12-08T02:30:00Z", "{\"epochs\":5,\"seed\":42}",
        "1");
    String why = RunsDiffCommand.why(before, after);
    assertTrue(why.equals("input: the external data the node reads differs (- /lake/penguins.csv 13828"
        + " 2026-12-08T01:00:00Z; + /lake/penguins.csv 13828 2026-12-08T02:30:00Z)\n  why: parameter: 'epochs' changed:"
        + " 40 -> 5"), why);
  }
}
