package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fashion-mnist example end to end through the real launcher, on a subset: convert.sh turns
 * the first 2,000 training and 500 test images of the IDX files into Parquet, the example
 * pipeline (as written, but for where its data and outputs are, and 2 epochs) trains its CNN
 * (conv2d, max_pool2d, flatten, dense) and pushes it, {@code millrace serve} serves it, and raw
 * pixel rows of test images come back as class names, most of them right.
 */
class FashionMnistIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
      "Sneaker", "Bag", "Ankle boot");

  @TempDir
  Path dir;

  @Test
  void theCnnExampleTrainsOnASubsetPushesAndServesPredictions() throws Exception {
    Path idx = SharedData.file("fashion-mnist/train-images-idx3-ubyte.gz").getParent();
    Path repo = MillraceProcess.repositoryRoot();
    Path data = dir.resolve("data");
    var convert = new ProcessBuilder(repo.resolve("pipelines/examples/fashion-mnist/convert.sh").toString(),
        idx.toString(), data.toString(), "2000", "500").directory(repo.toFile()).redirectErrorStream(true);
    convert.environment().put("MILLRACE_NO_BUILD", "1");
    Process p = convert.start();
    String converted = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), converted);
    assertTrue(converted.contains(data.resolve("train.parquet") + ": 2000 images of 28x28 (of 60000)"), converted);
    assertTrue(converted.contains(data.resolve("test.parquet") + ": 500 images of 28x28 (of 10000)"), converted);

    Path yaml = Cli.relocate(repo.resolve("pipelines/examples/fashion-mnist/pipeline.yaml"), dir);
    Files.writeString(yaml, Files.readString(yaml).replace(".millrace/data/fashion-mnist", data.toString()));
    var millrace = new MillraceProcess(dir);
    var run = millrace.run("run", yaml.toString(), "--set", "trainer.epochs=2");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("BLESSED (evaluator): all checks passed"), run.toString());
    assertTrue(Files.isDirectory(dir.resolve("registry/fashion-mnist/1")), run.toString());

    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (var serve = millrace.start("serve", "--registry=" + dir.resolve("registry"), "--port=" + port)) {
      serve.awaitOutput("serving ", Duration.ofMinutes(2));
      // 100 test images past the 500 trained on, as raw pixel values (what a client sends).
      int n = 100;
      int[][] images = new int[n][];
      int[] labels = new int[n];
      try (var img = new DataInputStream(new GZIPInputStream(Files.newInputStream(idx.resolve("t10k-images-idx3-ubyte.gz"))));
          InputStream lab = new GZIPInputStream(Files.newInputStream(idx.resolve("t10k-labels-idx1-ubyte.gz")))) {
        img.skipNBytes(16 + 500L * 784);
        lab.skipNBytes(8 + 500L);
        for (int i = 0; i < n; i++) {
          images[i] = new int[784];
          for (int q = 0; q < 784; q++) {
            images[i][q] = img.readUnsignedByte();
          }
          labels[i] = lab.read();
        }
      }
      ObjectNode request = JSON.createObjectNode();
      ArrayNode instances = request.putArray("instances");
      for (int[] image : images) {
        ObjectNode row = instances.addObject();
        for (int q = 0; q < 784; q++) {
          row.put(String.format("pixel_%03d", q), image[q]);
        }
      }
      HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + port + "/v1/models/fashion-mnist:predict")).POST(HttpRequest.BodyPublishers.ofString(request.toString()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, reply.statusCode(), reply.body());
      JsonNode predictions = JSON.readTree(reply.body()).get("predictions");
      assertEquals(n, predictions.size(), reply.body());
      int right = 0;
      for (int i = 0; i < n; i++) {
        String predicted = predictions.get(i).get("class").asText();
        assertTrue(CLASSES.contains(predicted), predictions.get(i).toString());
        right += predicted.equals(CLASSES.get(labels[i])) ? 1 : 0;
      }
      // The evaluator's bound (0.6) on 500 images; well above chance (0.1) on these 100.
      assertTrue(right >= 50, right + " of " + n + " served predictions right: " + reply.body());
    }
  }
}
