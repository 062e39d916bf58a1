package org.millrace.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.model.Task;
import org.millrace.trainer.backend.Activation;
import org.millrace.trainer.backend.JavaBackend;
import org.millrace.trainer.backend.Loss;
import org.millrace.trainer.nn.Dense;
import org.millrace.trainer.nn.Network;

/** model.json's task: written in its spelling, read once into the enum, a wrong one named with its file. */
class ModelTaskTest {
  @TempDir
  Path dir;

  private Path model(String name, Loss loss) throws Exception {
    var net = new Network(new int[] {3}, List.of(new Dense(4, Activation.RELU), new Dense(2, Activation.LINEAR)))
        .build(new JavaBackend(1), 8);
    net.initialize(7);
    Path d = Files.createDirectories(dir.resolve(name));
    ModelFiles.write(d, net, loss, null, Map.of());
    return d;
  }

  @Test
  void theTaskIsWrittenInItsSpellingAndReadBackAsTheEnum() throws Exception {
    Path reg = model("reg", Loss.MSE);
    assertTrue(Files.readString(reg.resolve(ModelFiles.MODEL_JSON)).contains("\"task\" : \"regression\""));
    assertEquals(Task.REGRESSION, ModelRuntime.load(reg).task());
    Path cls = model("cls", Loss.SOFTMAX_CROSS_ENTROPY);
    assertTrue(Files.readString(cls.resolve(ModelFiles.MODEL_JSON)).contains("\"task\" : \"classification\""));
    assertEquals(Task.CLASSIFICATION, ModelRuntime.load(cls).task());
  }

  @Test
  void anUnknownTaskFailsNamingTheFileAndTheAllowedValues() throws Exception {
    Path d = model("bad", Loss.MSE);
    Path json = d.resolve(ModelFiles.MODEL_JSON);
    Files.writeString(json, Files.readString(json).replace("\"task\" : \"regression\"", "\"task\" : \"ranking\""));
    var e = assertThrows(IllegalArgumentException.class, () -> ModelRuntime.load(d));
    assertEquals(json + ": task expected one of [classification, regression], got 'ranking'", e.getMessage());
  }
}
