package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.pipelines.compile.ComponentRegistry;
import org.millrace.pipelines.compile.RawNode;
import org.millrace.pipelines.compile.YamlPipelineLoader;

/**
 * What {@code millrace init} writes binds into typed parameters whose canonical map (stored specs,
 * cache keys) holds the Transform's {@code features} as written, and binds again to the same.
 */
class InitParametersAsWrittenTest {
  @TempDir
  Path dir;

  @Test
  void initPipelineParametersStayAsWritten() throws Exception {
    var lines = new ArrayList<String>(List.of("id,x,colour,y"));
    for (int i = 0; i < 60; i++) {
      lines.add("row-" + i + "," + (i * 0.5) + "," + (i % 2 == 0 ? "red" : "blue") + "," + (i % 4 == 0 ? "b" : "a"));
    }
    Path csv = Files.write(dir.resolve("data.csv"), lines);
    Path out = dir.resolve("p.yaml");
    var r = InProcess.run("init", csv.toString(), "--label", "y", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    var registry = ComponentRegistry.load();
    var mapper = ParameterBinder.mapper();
    int typed = 0;
    for (RawNode n : YamlPipelineLoader.load(out).nodes()) {
      Class<?> type = registry.get(n.component()).parametersType();
      Map<String, Object> canonical = ParameterBinder.toMap(ParameterBinder.bind(type, n.parameters()));
      for (String key : List.of("features", "layers")) {
        if (n.parameters() != null && n.parameters().containsKey(key)) {
          Object written = mapper.readValue(mapper.writeValueAsString(n.parameters().get(key)),
              new TypeReference<Object>() {});
          assertEquals(written, canonical.get(key), n.id() + "." + key);
          typed++;
        }
      }
      assertEquals(canonical, ParameterBinder.toMap(ParameterBinder.bind(type, canonical)), n.id());
    }
    assertTrue(typed >= 1, "init writes features");
  }
}
