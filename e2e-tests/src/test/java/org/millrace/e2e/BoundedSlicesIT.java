package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slicing by a high-cardinality column through the real launcher, in a small heap: past
 * {@code max_slices} the Evaluator fails naming the slicing spec and its count, or with
 * {@code slice_overflow: top_n} keeps the most frequent values and puts the rest in one slice.
 */
class BoundedSlicesIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  Path penguins(String evaluatorParameters) throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml").toAbsolutePath(), dir);
    String text = Files.readString(yaml).replace("      slices: [[], [island], [sex]]\n      min_slice_size: 10\n",
        "      slices: [[], [island], [body_mass_g]]\n      min_slice_size: 1\n" + evaluatorParameters);
    assertTrue(text.contains("[body_mass_g]"), "the example's evaluator changed: " + text);
    return Files.writeString(yaml, text);
  }

  MillraceProcess cli() {
    return new MillraceProcess(dir).env("MILLRACE_JAVA_OPTS", "-Xmx256m");
  }

  @Test
  void tooManySlicesFailTheEvaluatorNamingTheSpecAndItsCount() throws Exception {
    var r = cli().run(Duration.ofMinutes(3), "run", penguins("      max_slices: 20\n").toString());
    assertEquals(1, r.code(), r.toString());
    Matcher m = Pattern.compile("got (\\d+) for \\[body_mass_g\\] in split 'eval'").matcher(r.out() + r.err());
    assertTrue(m.find(), r.toString());
    assertTrue(Integer.parseInt(m.group(1)) > 20, m.group());
    assertTrue((r.out() + r.err()).contains("slices expected at most max_slices (20) distinct values per slicing spec"),
        r.toString());
    assertTrue((r.out() + r.err()).contains("slice_overflow: top_n"), "says how to go on: " + r);
    assertFalse((r.out() + r.err()).contains("OutOfMemoryError"), r.toString());
  }

  @Test
  void topNKeepsTheMostFrequentValuesAndTheRestInOneSlice() throws Exception {
    var r = cli().run(Duration.ofMinutes(3), "run",
        penguins("      max_slices: 20\n      slice_overflow: top_n\n").toString());
    assertEquals(0, r.code(), r.toString());
    Path evaluation;
    try (Stream<Path> s = Files.walk(dir.resolve("root"))) {
      evaluation = s.filter(p -> p.getFileName().toString().equals("evaluation.json")).findFirst().orElseThrow();
    }
    JsonNode slices = JSON.readTree(evaluation.toFile()).get("slices");
    List<String> mass = new ArrayList<>();
    slices.fieldNames().forEachRemaining(k -> {
      if (k.startsWith("body_mass_g=")) {
        mass.add(k);
      }
    });
    assertEquals(21, mass.size(), "20 kept values and the rest: " + mass);
    assertTrue(mass.contains("body_mass_g=<other>"), mass.toString());
    assertTrue(slices.has("island=Biscoe") && slices.has("Overall"), "other specs are not capped: " + slices.size());
  }
}
