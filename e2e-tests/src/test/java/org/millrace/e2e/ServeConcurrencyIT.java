package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.trainer.model.ModelRuntime;

/**
 * {@code millrace serve} through the launcher with its inference options: concurrent clients, each
 * sending its own rows, get their own predictions from a server running two network copies and
 * batching; bad option values are usage errors that say what was expected.
 */
class ServeConcurrencyIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void concurrentClientsGetTheirOwnPredictionsFromTheBatchingServer() throws Exception {
    Path registry = Files.createDirectories(dir.resolve("registry"));
    Path version = registry.resolve("price/1");
    ServerLimitsIT.Models.writeRegressor(version);
    ModelRuntime local = ModelRuntime.load(version);
    var cli = new MillraceProcess(dir);
    try (var serve = cli.start("serve", "--registry", registry.toString(), "--port", "0", "--inference-threads", "2",
        "--batch-rows", "8", "--batch-wait-us", "500", "--poll-seconds", "60")) {
      Matcher m = ServerLimitsIT.awaitStdout(serve, Pattern.compile("^serving .* on http://([^:]+):(\\d+)",
          Pattern.MULTILINE));
      URI predict = URI.create("http://127.0.0.1:" + m.group(2) + "/v1/models/price:predict");
      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      var problems = new ConcurrentLinkedQueue<String>();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 12; c++) {
        int client = c;
        Thread t = new Thread(() -> {
          for (int i = 0; i < 25; i++) {
            double x = client * 10 + i * 0.25;
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(predict).POST(HttpRequest.BodyPublishers
                  .ofString("{\"instances\": [{\"x\": " + x + "}]}")).build(), HttpResponse.BodyHandlers.ofString());
              float want = local.predictRow(Map.of("x", x))[0];
              JsonNode got = r.statusCode() == 200 ? JSON.readTree(r.body()).at("/predictions/0") : null;
              if (got == null || Math.abs(got.floatValue() - want) > 1e-4f * Math.max(1, Math.abs(want))) {
                problems.add("x=" + x + " expected " + want + ", got " + r.statusCode() + " " + r.body());
              }
            } catch (Exception e) {
              problems.add(e.toString());
            }
          }
        });
        t.start();
        clients.add(t);
      }
      for (Thread t : clients) {
        t.join();
      }
      assertEquals(List.of(), new ArrayList<>(problems), serve.err());
      serve.terminate(Duration.ofSeconds(30));
    }
    MillraceProcess.Result bad = cli.run("serve", "--registry", registry.toString(), "--batch-wait-us", "-1");
    assertEquals(2, bad.code(), bad.toString());
    assertTrue(bad.err().contains("--batch-wait-us") && bad.err().contains("got -1"), bad.toString());
    MillraceProcess.Result zero = cli.run("serve", "--registry", registry.toString(), "--inference-threads", "0");
    assertEquals(2, zero.code(), zero.toString());
    assertTrue(zero.err().contains("--inference-threads"), zero.toString());
  }
}
