package org.millrace.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Conv2D;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Flatten;
import org.millrace.trainer.nn.MaxPool2D;
import org.millrace.trainer.nn.Network;

/**
 * model.json's bytes, pinned: {@link ModelFiles} is the format's one owner, and a change to what
 * it writes fails here until the golden file (and, if old models no longer load the same, the
 * format version) is updated on purpose. Also: what it wrote reads back and writes again byte for
 * byte, and a model.json of another format or a newer version fails naming the file.
 */
class ModelJsonGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/model.json");

  @TempDir
  Path dir;

  private Path write(Path d) throws Exception {
    var net = new Network(new int[] {6, 6, 1}, List.of(new Conv2D(2, 3, 3, 1, "valid", Activation.RELU),
        new MaxPool2D(2, 2, 2), new Flatten(), new Dense(3, Activation.LINEAR))).build(new JavaBackend(1), 4);
    net.initialize(11);
    var provenance = new LinkedHashMap<String, Object>();
    provenance.put("pipeline", "golden");
    provenance.put("run_id", "run-1");
    ModelFiles.write(Files.createDirectories(d), net, Loss.SOFTMAX_CROSS_ENTROPY, null, provenance);
    return d;
  }

  @Test
  void modelJsonIsWrittenAsTheGoldenFile() throws Exception {
    String written = Files.readString(write(dir.resolve("m")).resolve(ModelFiles.MODEL_JSON), StandardCharsets.UTF_8);
    if (Boolean.getBoolean("millrace.golden.update")) {
      Files.writeString(GOLDEN, written, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), written,
        "model.json changed: update " + GOLDEN + " on purpose (-Dmillrace.golden.update=true) and say why");
  }

  @Test
  void whatIsReadBackIsWrittenAgainByteForByte() throws Exception {
    Path first = write(dir.resolve("first"));
    var loaded = ModelFiles.read(first, new JavaBackend(1), 4);
    Path second = Files.createDirectories(dir.resolve("second"));
    ModelFiles.write(second, loaded.network(), loaded.loss(), loaded.graph(),
        new com.fasterxml.jackson.databind.ObjectMapper().convertValue(loaded.provenance(), java.util.Map.class));
    assertEquals(Files.readString(first.resolve(ModelFiles.MODEL_JSON)), Files.readString(second.resolve(ModelFiles.MODEL_JSON)));
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(first.resolve(ModelFiles.WEIGHTS)),
        Files.readAllBytes(second.resolve(ModelFiles.WEIGHTS))), "the weights read back and written again");
    assertTrue(ModelFiles.isModel(first));
    assertEquals("millrace-model", ModelFiles.metadata(first).path("format").asText());
  }

  @Test
  void anotherFormatOrANewerVersionFailsNamingTheFile() throws Exception {
    Path d = write(dir.resolve("bad"));
    Path json = d.resolve(ModelFiles.MODEL_JSON);
    String text = Files.readString(json);
    Files.writeString(json, text.replace("\"format_version\" : 2", "\"format_version\" : 3"));
    var e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.metadata(d));
    assertEquals(json + ": format_version expected at most 2, got 3 (written by a newer millrace; upgrade to load it)",
        e.getMessage());
    Files.writeString(json, text.replace("\"millrace-model\"", "\"keras\""));
    assertFalse(ModelFiles.isModel(d));
    e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.read(d, new JavaBackend(1), 4));
    assertTrue(e.getMessage().startsWith(json + ": format expected millrace-model, got \"keras\""), e.getMessage());
    Files.delete(json);
    e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.metadata(d));
    assertEquals("model directory " + d + " expected model.json, got none", e.getMessage());
  }
}
