package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code features: auto} with a column group, through the real launcher on the penguins data: the
 * run prints what each column got, records it beside the graph, and the model is blessed.
 */
class FeaturesAutoIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void autoFeaturesWithAColumnGroupRunAndAreRecorded() throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml").toAbsolutePath(), dir);
    String text = Files.readString(yaml);
    int from = text.indexOf("      features:\n");
    int to = text.indexOf("  trainer:\n");
    text = text.substring(0, from) + """
              features:
                auto: true
                overrides:
                  - {columns: "culmen_*", ops: [{fill_missing: median}, {min_max: {}}]}
        """ + text.substring(to);
    Files.writeString(yaml, text);

    var r = new MillraceProcess(dir).run("run", yaml.toString());
    assertEquals(0, r.code(), r.toString());
    String all = r.out() + r.err();
    assertTrue(all.contains("features (auto): 6 pipelines"), all);
    assertTrue(all.contains("auto: fill_missing mean, zscore  <- flipper_length_mm, body_mass_g"), all);
    assertTrue(all.contains("string, auto: vocabulary (top_k 100, min_frequency 1, 1 OOV bucket), one_hot  <- island, sex"),
        all);
    assertTrue(all.contains("columns 'culmen_*' (features.overrides[0]): fill_missing median, min_max"
        + "  <- culmen_length_mm, culmen_depth_mm"), all);
    assertTrue(r.out().contains("BLESSED") || r.out().contains("blessed"), r.toString());

    Path choices;
    try (Stream<Path> s = Files.walk(dir.resolve("root"))) {
      choices = s.filter(p -> p.getFileName().toString().equals("feature_choices.json")).findFirst().orElseThrow();
    }
    JsonNode record = JSON.readTree(choices.toFile());
    assertTrue(record.get("auto").asBoolean());
    Map<String, String> rules = new HashMap<>();
    record.get("columns").forEach(c -> rules.put(c.get("column").asText(), c.get("rule").asText()));
    assertEquals(Map.of("species", "label", "island", "auto", "sex", "auto", "flipper_length_mm", "auto",
        "body_mass_g", "auto", "culmen_length_mm", "columns 'culmen_*' (features.overrides[0])",
        "culmen_depth_mm", "columns 'culmen_*' (features.overrides[0])"), rules);
    JsonNode graph = JSON.readTree(choices.resolveSibling("transform_graph.json").toFile());
    assertTrue(graph.toString().contains("min_max") && graph.toString().contains("zscore"), graph.toString());
  }
}
