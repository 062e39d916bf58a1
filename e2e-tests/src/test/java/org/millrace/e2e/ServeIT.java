package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.serving.ModelRepository.VersionPolicy;
import org.millrace.serving.ModelServer;

/**
 * Train, push, serve: the penguins pipeline pushes version 1; the server answers predictions for
 * the raw CSV rows (nulls and all) over HTTP with the accuracy the evaluator measured; a second
 * push is hot-loaded while the server runs, and its metadata leads back to the trained model.
 */
class ServeIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void aPushedModelIsServedOnRawRowsAndTheNextPushIsHotLoaded() throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    var cli = new Cli(dir);
    Cli.Result run = cli.run("run", yaml.toString());
    assertEquals(0, run.code(), run.out() + run.err());
    Path registry = dir.resolve("registry");
    var http = HttpClient.newHttpClient();
    try (ModelServer server = ModelServer.start(registry, ModelServer.Options.defaults().withHost("127.0.0.1")
        .withPort(0).withPollInterval(Duration.ofMillis(200)).withPolicy(VersionPolicy.LATEST))) {
      String base = "http://127.0.0.1:" + server.port() + "/v1/models/penguins";
      // Every row of the data set, as raw text-typed CSV values become JSON: numbers, strings, nulls.
      List<String> lines = Files.readAllLines(Path.of("examples/data/penguins/penguins.csv"));
      String[] header = lines.get(0).split(",", -1);
      ObjectNode request = JSON.createObjectNode();
      ArrayNode instances = request.putArray("instances");
      List<String> species = new java.util.ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] v = line.split(",", -1);
        species.add(v[0]);
        ObjectNode row = instances.addObject();
        for (int i = 1; i < header.length; i++) {
          if (v[i].isEmpty()) {
            row.putNull(header[i]);
          } else if (v[i].matches("-?[0-9]+([.][0-9]+)?")) {
            row.put(header[i], Double.parseDouble(v[i]));
          } else {
            row.put(header[i], v[i]);
          }
        }
      }
      HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(base + ":predict"))
          .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, reply.statusCode(), reply.body());
      assertEquals("1", reply.headers().firstValue("Millrace-Model-Version").orElseThrow());
      JsonNode predictions = JSON.readTree(reply.body()).get("predictions");
      assertEquals(species.size(), predictions.size());
      int right = 0;
      for (int i = 0; i < species.size(); i++) {
        right += predictions.get(i).get("class").asText().equals(species.get(i)) ? 1 : 0;
      }
      double accuracy = right / (double) species.size();
      assertTrue(accuracy > 0.9, "served accuracy on all " + species.size() + " rows: " + accuracy);

      // Local paths only when asked for: the lineage starts from the trained model's URI.
      JsonNode meta = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/metadata?details=local")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      String trained = meta.at("/millrace/registry_entry/model_uri").asText();
      assertTrue(trained.startsWith(dir.resolve("root/trainer/model").toString()), meta.toString());
      Cli.Result lineage = cli.run("lineage", trained);
      assertEquals(0, lineage.code(), lineage.err());
      assertTrue(lineage.out().contains("by ExampleGen node 'ingest'"), lineage.out());

      // The next published version appears without a restart: the model of another configuration (epochs: 39), as
      // version 2 (pushing the served model again adopts version 1, and rolling back to the served version
      // is refused).
      Cli.Result next = cli.run("run", yaml.toString(), "--set", "trainer.epochs=39");
      assertEquals(0, next.code(), next.out() + next.err());
      assertEquals(java.util.List.of("1", "2"), ModelPushIT.listVersions(dir.resolve("registry/penguins")),
          next.out());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      String version = "1";
      while (!version.equals("2") && System.nanoTime() < deadline) {
        Thread.sleep(50);
        version = http.send(HttpRequest.newBuilder(URI.create(base + ":predict")).POST(HttpRequest.BodyPublishers
            .ofString("{\"instances\": [{\"island\": \"Biscoe\"}]}")).build(), HttpResponse.BodyHandlers.ofString())
            .headers().firstValue("Millrace-Model-Version").orElse("none");
      }
      assertEquals("2", version);
    }
  }
}
