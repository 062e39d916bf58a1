package org.millrace.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.pusher.ModelRegistry;
import org.millrace.serving.ModelRepository.VersionPolicy;
import org.millrace.trainer.model.ModelRuntime;

/** The server over a real registry (the Pusher's) of real trained models, through real HTTP. */
class ModelServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path models;
  static Path first;
  static Path second;

  @TempDir
  Path registry;
  ModelServer server;

  record Reply(int status, JsonNode body, String text, HttpResponse<String> raw) {}

  @BeforeAll
  static void train() throws Exception {
    first = Models.train(models, "first", 1, 6);
    second = Models.train(models, "second", 2, 1);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  ModelServer start(VersionPolicy policy) throws Exception {
    server = ModelServer.start(registry, ModelServer.Options.defaults().withHost("127.0.0.1").withPort(0)
        .withPollInterval(Duration.ofMillis(100)).withPolicy(policy).withLimits(4000, 20));
    return server;
  }

  Reply get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  Reply post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  static Reply send(HttpRequest request) throws Exception {
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = null;
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      body = JSON.readTree(r.body());
    }
    return new Reply(r.statusCode(), body, r.body(), r);
  }

  void push(Path model) {
    new ModelRegistry(registry).push("blobs", model, model.toUri().toString(), "test");
  }

  static void assertProbabilities(float[] expected, JsonNode got) {
    assertEquals(expected.length, got.size(), got.toString());
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], got.get(j).floatValue(), 1e-6f, got.toString());
    }
  }

  @Test
  void statusMetadataAndPredictionsInRowAndColumnFormats() throws Exception {
    push(first);
    start(VersionPolicy.LATEST);
    Reply status = get("/v1/models/blobs");
    assertEquals(200, status.status());
    assertEquals("{\"model_version_status\":[{\"version\":\"1\",\"state\":\"AVAILABLE\",\"status\":{\"error_code\":"
        + "\"OK\",\"error_message\":\"\"}}]}", status.text());
    assertEquals(status.text(), get("/v1/models/blobs/versions/1").text());

    JsonNode meta = get("/v1/models/blobs/metadata").body();
    assertEquals("1", meta.at("/model_spec/version").asText());
    JsonNode sig = meta.at("/metadata/signature_def/signature_def/serving_default");
    assertEquals("DT_DOUBLE", sig.at("/inputs/a/dtype").asText());
    assertEquals("DT_DOUBLE", sig.at("/inputs/b/dtype").asText());
    assertEquals(Set.of("probabilities", "class_id", "class"), names(sig.get("outputs")));
    assertEquals("[\"p\",\"q\",\"r\"]", meta.at("/millrace/label_vocabulary").toString());
    // Lineage: where the served files came from, and how the model was trained.
    assertEquals(first.toUri().toString(),
        get("/v1/models/blobs/metadata?details=local").body().at("/millrace/registry_entry/model_uri").asText());
    assertEquals(6, meta.at("/millrace/provenance/parameters/epochs").asInt(), meta.toString());

    ModelRuntime direct = ModelRuntime.load(first);
    float[] r = direct.predictRow(Map.of("a", 6.0, "b", 0.0));
    float[] p = direct.predictRow(Map.of("a", 0L, "b", 0.5));
    Reply rows = post("/v1/models/blobs:predict", "{\"instances\": [{\"a\": 6.0, \"b\": 0}, {\"a\": 0, \"b\": 0.5}]}");
    assertEquals(200, rows.status(), rows.text());
    assertEquals("1", rows.raw().headers().firstValue("Millrace-Model-Version").orElseThrow());
    JsonNode predictions = rows.body().get("predictions");
    assertProbabilities(r, predictions.get(0).get("probabilities"));
    assertProbabilities(p, predictions.get(1).get("probabilities"));
    assertEquals("r", predictions.get(0).get("class").asText());
    assertEquals(2, predictions.get(0).get("class_id").asInt());
    assertEquals("p", predictions.get(1).get("class").asText());

    Reply columns = post("/v1/models/blobs/versions/1:predict",
        "{\"signature_name\": \"serving_default\", \"inputs\": {\"a\": [6.0, 0], \"b\": [0, 0.5]}}");
    assertEquals(200, columns.status(), columns.text());
    assertProbabilities(r, columns.body().at("/outputs/probabilities/0"));
    assertProbabilities(p, columns.body().at("/outputs/probabilities/1"));
    assertEquals("[\"r\",\"p\"]", columns.body().at("/outputs/class").toString());
    assertEquals("[2,0]", columns.body().at("/outputs/class_id").toString());
    // The label may come along with the features (rows replayed from the data lake); it is ignored.
    assertEquals(200, post("/v1/models/blobs:predict", "{\"instances\": [{\"a\": 1, \"b\": 2, \"kind\": \"q\"}]}")
        .status());
    assertEquals("{\"predictions\":[]}", post("/v1/models/blobs:predict", "{\"instances\": []}").text());
  }

  @Test
  void hotLoadsAPushedVersionWithoutDroppingARequest() throws Exception {
    push(first);
    start(VersionPolicy.LATEST);
    var failures = new ConcurrentHashMap<String, Integer>();
    Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
    var stop = new AtomicBoolean();
    var count = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread c = new Thread(() -> {
        while (!stop.get()) {
          try {
            Reply reply = post("/v1/models/blobs:predict", "{\"instances\": [{\"a\": 6.0, \"b\": 0.0}]}");
            count.incrementAndGet();
            versionsSeen.add(reply.raw().headers().firstValue("Millrace-Model-Version").orElse("none"));
            if (reply.status() != 200) {
              failures.merge(reply.status() + " " + reply.text(), 1, Integer::sum);
            }
          } catch (Exception e) {
            failures.merge(e.toString(), 1, Integer::sum);
          }
        }
      });
      c.start();
      clients.add(c);
    }
    // Version 1 must have answered before version 2 arrives (a fixed pause raced a cold client).
    awaitTrue(() -> versionsSeen.contains("1"), "answers from version 1");
    push(second);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!versionsSeen.contains("2") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(300);
    stop.set(true);
    for (Thread c : clients) {
      c.join();
    }
    assertEquals(Map.of(), failures, "of " + count.get() + " requests");
    assertEquals(Set.of("1", "2"), versionsSeen);
    float[] expected = ModelRuntime.load(second).predictRow(Map.of("a", 6.0, "b", 0.0));
    Reply now = post("/v1/models/blobs:predict", "{\"instances\": [{\"a\": 6.0, \"b\": 0.0}]}");
    assertProbabilities(expected, now.body().at("/predictions/0/probabilities"));
    JsonNode versions = get("/v1/models/blobs").body().get("model_version_status");
    assertEquals("2", versions.get(0).get("version").asText());
    assertEquals("AVAILABLE", versions.get(0).get("state").asText());
    assertEquals("END", versions.get(1).get("state").asText());
    assertEquals("not served: version policy latest serves version 2",
        versions.get(1).at("/status/error_message").asText());
    assertEquals(404, post("/v1/models/blobs/versions/1:predict", "{\"instances\": []}").status());
  }

  /**
   * Many clients at once, each sending its own row again and again, while the first passes are held
   * until requests have queued (so they are batched) and a new version is swapped in: every answer
   * is the prediction for the client's own row by the version named in its header, and forward
   * passes ran several requests at once.
   */
  @Test
  void concurrentClientsEachGetTheirOwnRowsPredictionThroughBatchesAndASwap() throws Exception {
    push(first);
    server = ModelServer.start(registry, ModelServer.Options.defaults().withHost("127.0.0.1").withPort(0)
        .withPollInterval(Duration.ofMillis(100)).withThreads(16), (org.millrace.serving.http.BearerToken) null,
        InferenceOptions.defaults().withReplicas(2));
    Batcher v1 = server.repository().find("blobs", null).orElseThrow().inference();
    var held = new java.util.concurrent.CountDownLatch(1);
    v1.beforePass = n -> {
      try {
        // The first leaders wait here until requests have queued behind them, so that a later pass
        // runs several; a pass that already runs several needs no wait. (A leader that took every
        // client's request and then waited for more would wait until the server's answer time
        // limit, 10 s in this JVM, cut the clients off.) The deadline is a backstop below that limit.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (held.getCount() > 0 && n < 2 && v1.queued() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        held.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    int clients = 16;
    var runtimes = Map.of("1", ModelRuntime.load(first), "2", ModelRuntime.load(second));
    var problems = new java.util.concurrent.ConcurrentLinkedQueue<String>();
    Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
    var count = new AtomicInteger();
    var stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < clients; t++) {
      double a = -2 + t * 0.6;
      double b = 4 - t * 0.35;
      Thread c = new Thread(() -> {
        String row = "{\"instances\": [{\"a\": " + a + ", \"b\": " + b + "}]}";
        while (!stop.get()) {
          try {
            Reply reply = post("/v1/models/blobs:predict", row);
            count.incrementAndGet();
            String version = reply.raw().headers().firstValue("Millrace-Model-Version").orElse("none");
            versionsSeen.add(version);
            if (reply.status() != 200 || !runtimes.containsKey(version)) {
              problems.add(reply.status() + " " + version + ": " + reply.text());
              continue;
            }
            float[] want = runtimes.get(version).predictRow(Map.of("a", a, "b", b));
            JsonNode got = reply.body().at("/predictions/0/probabilities");
            for (int j = 0; j < want.length; j++) {
              if (Math.abs(want[j] - got.get(j).floatValue()) > 1e-6f) {
                problems.add("row (" + a + ", " + b + ") version " + version + " expected " + java.util.Arrays.toString(
                    want) + ", got " + got);
                break;
              }
            }
          } catch (Exception e) {
            problems.add(e + " after " + count.get() + " answers");
          }
        }
      });
      c.start();
      threads.add(c);
    }
    assertTrue(held.await(90, java.util.concurrent.TimeUnit.SECONDS), "requests queued behind the held passes");
    awaitTrue(() -> count.get() >= 200, "answers from version 1");
    push(second);
    awaitTrue(() -> versionsSeen.contains("2"), "answers from version 2");
    int at = count.get();
    awaitTrue(() -> count.get() >= at + 200, "more answers from version 2");
    stop.set(true);
    for (Thread c : threads) {
      c.join();
    }
    assertEquals(List.of(), new ArrayList<>(problems), "of " + count.get() + " requests");
    assertEquals(Set.of("1", "2"), versionsSeen);
    assertTrue(v1.batchedPasses() >= 1, "passes of several requests: " + v1.batchedPasses() + " of " + v1.passes());
    assertTrue(get("/metrics").text().lines().anyMatch(l -> l.matches(
        "millrace_serving_batched_requests_total\\{model=\"blobs\",version=\"2\"} \\d+\\.0")));
  }

  /**
   * A request in flight when a new version is swapped in finishes on the version it started with:
   * the held request has sent its headers and half its body (the server has chosen its version and
   * waits for the rest) while version 2 is pushed, loaded (the load held a while) and swapped in;
   * requests meanwhile go from version 1 to version 2 with no error between; the held one,
   * finished last, is answered by version 1's network.
   */
  @Test
  void aRequestInFlightFinishesOnItsVersionWhileTheNextIsSwappedInWithoutAGap() throws Exception {
    push(first);
    start(VersionPolicy.LATEST);
    String row = "{\"instances\": [{\"a\": 6.0, \"b\": 0.0}]}";
    float[] old = ModelRuntime.load(first).predictRow(Map.of("a", 6.0, "b", 0.0));
    float[] next = ModelRuntime.load(second).predictRow(Map.of("a", 6.0, "b", 0.0));
    assertFalse(java.util.Arrays.equals(old, next), "the two versions must answer differently");
    try (Socket held = raw(server.port())) {
      write(held, "POST /v1/models/blobs:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + row.length() + "\r\n\r\n"
          + row.substring(0, row.length() / 2));
      awaitTrue(() -> server.busyRequestSlots() == 1, "the held request is being served");

      // Requests in order, while version 2 is pushed: every one answered, by 1 until the swap, then by 2.
      // Weakly consistent iteration: the checks below read it while the clients still add to it.
      var answers = new java.util.concurrent.ConcurrentLinkedQueue<String>();
      var stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread c = new Thread(() -> {
          String last = "1";
          while (!stop.get()) {
            try {
              Reply reply = post("/v1/models/blobs:predict", row);
              String version = reply.raw().headers().firstValue("Millrace-Model-Version").orElse("none");
              if (reply.status() != 200 || version.compareTo(last) < 0) {
                answers.add(reply.status() + " " + version + " after " + last + ": " + reply.text());
              }
              last = version;
              answers.add(version);
            } catch (Exception e) {
              answers.add(e.toString());
            }
          }
        });
        c.start();
        clients.add(c);
      }
      awaitTrue(() -> answers.contains("1"), "answers from version 1");
      // Version 2's load is held while requests come: they are answered by version 1 meanwhile.
      var loading = new java.util.concurrent.CountDownLatch(1);
      var release = new java.util.concurrent.CountDownLatch(1);
      server.repository().beforeLoad = dir -> {
        loading.countDown();
        try {
          release.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
      push(second);
      assertTrue(loading.await(30, java.util.concurrent.TimeUnit.SECONDS), "version 2 is loaded");
      for (int i = 0; i < 5; i++) {
        Reply during = post("/v1/models/blobs:predict", row);
        assertEquals(200, during.status(), during.text());
        assertEquals("1", during.raw().headers().firstValue("Millrace-Model-Version").orElseThrow());
      }
      release.countDown();
      awaitTrue(() -> answers.contains("2"), "answers from version 2");
      awaitTrue(() -> answers.stream().filter("2"::equals).count() >= 20, "more answers from version 2");
      stop.set(true);
      for (Thread c : clients) {
        c.join();
      }
      var problems = new ArrayList<>(answers);
      problems.removeIf(a -> a.equals("1") || a.equals("2"));
      assertEquals(List.of(), problems, "of " + answers.size() + " requests during the swap");
      // A client has its answer a moment before the server thread that wrote it frees its slot.
      awaitTrue(() -> server.busyRequestSlots() == 1, "the held request is the only one still in flight");

      write(held, row.substring(row.length() / 2));
      String answer = new String(held.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
      assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nmillrace-model-version: 1\r\n"), answer);
      JsonNode body = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertProbabilities(old, body.at("/predictions/0/probabilities"));
    }
    assertProbabilities(next, post("/v1/models/blobs:predict", row).body().at("/predictions/0/probabilities"));
  }

  /**
   * Clients that send their request slowly hold every request slot (two here) until the server's
   * request time limit (4 s in this test JVM, see the pom) cuts them off: meanwhile the health
   * checks answer, beside the slots; a normal request is answered once the slow ones are gone,
   * and the server has closed every slow connection, the one that never finished its request line too.
   */
  @Test
  void slowClientsAreCutOffAndHealthChecksAnswerWhileTheyHoldEveryRequestSlot() throws Exception {
    push(first);
    server = ModelServer.start(registry, ModelServer.Options.defaults().withPort(0)
        .withPollInterval(Duration.ofSeconds(60)).withThreads(2));
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket s = raw(server.port());
        write(s, "POST /v1/models/blobs:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{");
        slow.add(s);
      }
      Socket partial = raw(server.port());
      write(partial, "GET /v1/mod");
      slow.add(partial);
      awaitTrue(() -> server.busyRequestSlots() == 2, "the slow clients hold both request slots");
      // They go on sending their bodies, a byte at a time: it is the whole request's time that is limited.
      var stop = new AtomicBoolean();
      Thread dribble = new Thread(() -> {
        while (!stop.get()) {
          for (Socket s : slow.subList(0, 2)) {
            try {
              write(s, " ");
            } catch (java.io.IOException e) {
              // closed by the server
            }
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      dribble.setDaemon(true);
      dribble.start();

      assertEquals("{\"models\":{\"blobs\":[1]},\"status\":\"ok\"}", get("/healthz").text());
      assertEquals(200, get("/readyz").status());
      assertEquals(2, server.busyRequestSlots(), "the health checks answered while the slow clients held every slot");
      var normal = HTTP.sendAsync(HttpRequest.newBuilder(uri("/v1/models/blobs")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      for (Socket s : slow) {
        assertClosedByServer(s);
      }
      HttpResponse<String> answered = normal.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, answered.statusCode(), answered.body());
      stop.set(true);
      awaitTrue(() -> server.busyRequestSlots() == 0, "every slot free again");
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  /**
   * A client that never reads its answer (8 MB of predictions, more than the sockets buffer) holds
   * its slot only until the server's response time limit (10 s in this test JVM) cuts it off: the
   * health check answers meanwhile, the slot is free again, and the client got part of the answer.
   */
  @Test
  void aClientThatNeverReadsItsAnswerIsCutOff() throws Exception {
    push(first);
    server = ModelServer.start(registry, ModelServer.Options.defaults().withPort(0)
        .withPollInterval(Duration.ofSeconds(60)).withThreads(2).withLimits(16 << 20, 100_000));
    String body = "{\"instances\": [" + "{\"a\": 1, \"b\": 2},".repeat(99_999) + "{\"a\": 1, \"b\": 2}]}";
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5000);
      s.setSoTimeout(30_000);
      write(s, "POST /v1/models/blobs:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length()
          + "\r\n\r\n" + body);
      awaitTrue(() -> server.busyRequestSlots() == 1, "the request is served");
      assertEquals(200, get("/healthz").status());
      awaitTrue(() -> server.busyRequestSlots() == 0, "the slot is free once the server cuts the client off");
      byte[] got = new byte[64 << 10];
      long total = 0;
      String head = null;
      try {
        for (int n; (n = s.getInputStream().read(got)) > 0; total += n) {
          if (head == null) {
            head = new String(got, 0, n, StandardCharsets.US_ASCII);
          }
        }
      } catch (java.net.SocketException e) {
        // reset by the server
      }
      assertTrue(head != null && head.startsWith("HTTP/1.1 200 "), String.valueOf(head));
      var length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
      assertTrue(length.find(), head);
      assertTrue(total < Long.parseLong(length.group(1)), "the client got the whole answer (" + total
          + " bytes): it fit in the socket buffers and tests nothing");
    }
  }

  /**
   * Connections over the limit (16 in this test JVM, see the pom) are closed at once, before they
   * reach a thread; once the others are gone, requests are answered again.
   */
  @Test
  void connectionsOverTheLimitAreClosedAtOnce() throws Exception {
    push(first);
    server = ModelServer.start(registry, ModelServer.Options.defaults().withPort(0)
        .withPollInterval(Duration.ofSeconds(60)));
    assertEquals(16, org.millrace.serving.http.ServerLimits.maxConnections());
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        open.add(raw(server.port()));
      }
      Thread.sleep(200); // the server takes them in
      try (Socket over = raw(server.port())) {
        write(over, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(-1, over.getInputStream().read(), "a connection over the limit was served");
      } catch (java.net.SocketException e) {
        // closed by the server before the request was written
      }
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
    awaitTrue(() -> {
      try {
        return get("/v1/models/blobs").status() == 200;
      } catch (Exception e) {
        return false;
      }
    }, "requests are answered again");
  }

  static Socket raw(int port) throws Exception {
    var s = new Socket();
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(30_000);
    return s;
  }

  static void write(Socket s, String text) throws java.io.IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** The server closes the connection (end of stream or a reset) before the socket's 30 s read timeout. */
  static void assertClosedByServer(Socket s) throws Exception {
    try {
      byte[] rest = s.getInputStream().readAllBytes();
      assertEquals("", new String(rest, StandardCharsets.US_ASCII), "a slow client is cut off without an answer");
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the server did not close a slow client's connection", e);
    } catch (java.net.SocketException e) {
      // reset by the server: closed
    }
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void aBrokenNewestVersionLeavesThePreviousOneServedAndSaysWhy() throws Exception {
    push(first);
    // Version 2's weights are cut short (published by rename, as the Pusher does, so the server sees it whole).
    Path tmp = Files.createDirectories(registry.resolve("blobs/.tmp-broken"));
    Files.copy(first.resolve("model.json"), tmp.resolve("model.json"));
    byte[] weights = Files.readAllBytes(first.resolve("model.safetensors"));
    Files.write(tmp.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
    Files.move(tmp, registry.resolve("blobs/2"), StandardCopyOption.ATOMIC_MOVE);
    start(VersionPolicy.LATEST);
    JsonNode versions = get("/v1/models/blobs").body().get("model_version_status");
    assertEquals("2", versions.get(0).get("version").asText());
    assertEquals("END", versions.get(0).get("state").asText());
    assertEquals("UNKNOWN", versions.get(0).at("/status/error_code").asText());
    String why = versions.get(0).at("/status/error_message").asText();
    assertTrue(why.startsWith("model blobs version 2 at " + registry.resolve("blobs/2") + " could not be loaded: "),
        why);
    assertEquals("AVAILABLE", versions.get(1).get("state").asText());
    Reply reply = post("/v1/models/blobs:predict", "{\"instances\": [{\"a\": 6.0, \"b\": 0.0}]}");
    assertEquals(200, reply.status());
    assertEquals("1", reply.raw().headers().firstValue("Millrace-Model-Version").orElseThrow());
    Reply asked = post("/v1/models/blobs/versions/2:predict", "{\"instances\": []}");
    assertEquals(404, asked.status());
    assertTrue(asked.body().get("error").asText().contains("could not be loaded"), asked.text());
    assertEquals(200, get("/readyz").status());
  }

  @Test
  void everyVersionUnderThePolicyAll() throws Exception {
    push(first);
    push(second);
    start(VersionPolicy.ALL);
    String row = "{\"instances\": [{\"a\": 0.0, \"b\": 3.0}]}";
    assertProbabilities(ModelRuntime.load(first).predictRow(Map.of("a", 0.0, "b", 3.0)),
        post("/v1/models/blobs/versions/1:predict", row).body().at("/predictions/0/probabilities"));
    assertProbabilities(ModelRuntime.load(second).predictRow(Map.of("a", 0.0, "b", 3.0)),
        post("/v1/models/blobs/versions/2:predict", row).body().at("/predictions/0/probabilities"));
    assertEquals("2", post("/v1/models/blobs:predict", row).raw().headers().firstValue("Millrace-Model-Version")
        .orElseThrow());
    JsonNode versions = get("/v1/models/blobs").body().get("model_version_status");
    assertEquals("AVAILABLE", versions.get(0).get("state").asText());
    assertEquals("AVAILABLE", versions.get(1).get("state").asText());
  }

  @Test
  void badRequestsGetAnErrorThatSaysWhatWasExpected() throws Exception {
    push(first);
    start(VersionPolicy.LATEST);
    String predict = "/v1/models/blobs:predict";
    assertError(400, "request body expected JSON (line 1, column ", post(predict, "{\"instances\": [{\"a\": 1,"));
    assertError(400, "predict request expected a JSON body, got an empty one", post(predict, ""));
    // A key given twice was read as its last value, and text after the body was ignored (answered 200).
    assertError(400, "request body expected each key once per object, got 'a' twice at /instances/0/a (line 1,",
        post(predict, "{\"instances\": [{\"a\": 1, \"b\": 2, \"a\": 3}]}"));
    assertError(400, "request body expected each key once per object, got 'b' twice at /inputs/b (line 1,",
        post(predict, "{\"inputs\": {\"a\": [1], \"b\": [2], \"b\": [3]}}"));
    assertError(400, "request body expected one JSON value, got more after it (line 1, column 35). Send one object",
        post(predict, "{\"instances\": [{\"a\": 1, \"b\": 2}]} garbage"));
    assertError(400, "request body expected one JSON value, got more after it (line 1, column 33). Send one object",
        post(predict, "{\"inputs\": {\"a\": [1], \"b\": [2]}}{\"inputs\": {}}"));
    assertError(400, "predict request expected exactly one of \"instances\" (rows) and \"inputs\" (columns), got"
        + " neither", post(predict, "{}"));
    assertError(400, "predict request expected the keys instances or inputs (and signature_name), got 'rows'",
        post(predict, "{\"rows\": []}"));
    assertError(400, "instances expected an array of objects (one per row), got an object",
        post(predict, "{\"instances\": {\"a\": 1}}"));
    assertError(400, "instances[1] expected an object of raw features [a, b], got number 3",
        post(predict, "{\"instances\": [{\"a\": 1, \"b\": 2}, 3]}"));
    assertError(400, "instances[0].a expected a number, string, boolean or null, got an array",
        post(predict, "{\"instances\": [{\"a\": [1], \"b\": 2}]}"));
    assertError(400, "instances[0] has unknown feature 'c': the model reads [a, b] (and ignores its label 'kind' and"
        + " the columns it was trained beside without reading, [site])",
        post(predict, "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 3}]}"));
    // A data lake's whole row: the label and the column the Transform left out are ignored (the column was
    // refused as unknown, though docs/serving.md says a request carries the lake's columns).
    Reply whole = post(predict, "{\"instances\": [{\"a\": 1, \"b\": 2, \"kind\": \"q\", \"site\": \"north\"}]}");
    assertEquals(200, whole.status(), whole.text());
    assertEquals(post(predict, "{\"instances\": [{\"a\": 1, \"b\": 2}]}").text(), whole.text());
    assertEquals(200, post(predict, "{\"inputs\": {\"a\": [1], \"b\": [2], \"site\": [\"north\"]}}").status());
    Reply text = post(predict, "{\"instances\": [{\"a\": 1, \"b\": 2}, {\"a\": \"six\", \"b\": 2}]}");
    assertError(400, "instances[1]: feature 'a' expected a number (a float feature), got the string \"six\"", text);
    // A boolean for a number was answered as 1 with a 200 (while "1" was refused): refused in both formats.
    assertError(400, "instances[0]: feature 'a' expected a number (a float feature), got boolean true",
        post(predict, "{\"instances\": [{\"a\": true, \"b\": 2}]}"));
    assertError(400, "inputs row 1: feature 'b' expected a number (a float feature), got boolean false",
        post(predict, "{\"inputs\": {\"a\": [1, 2], \"b\": [3, false]}}"));
    assertError(400, "inputs.b expected 2 values (as many as inputs.a), got 1",
        post(predict, "{\"inputs\": {\"a\": [1, 2], \"b\": [3]}}"));
    assertError(400, "signature_name expected serving_default (the only signature) or \"\", got \"predict\"",
        post(predict, "{\"signature_name\": \"predict\", \"instances\": []}"));
    assertEquals(200, post(predict, "{\"signature_name\": \"\", \"instances\": []}").status());
    assertError(400, "inputs expected at least one feature of [a, b], got none", post(predict, "{\"inputs\": {}}"));
    // A row with no feature at all (or only the label) is refused as an empty inputs object is.
    assertError(400, "instances[1] expected at least one feature of [a, b], got none",
        post(predict, "{\"instances\": [{\"a\": 1}, {}]}"));
    assertError(400, "instances[0] expected at least one feature of [a, b], got none",
        post(predict, "{\"instances\": [{\"kind\": \"x\"}]}"));
    assertError(400, "inputs expected at least one feature of [a, b], got none",
        post(predict, "{\"inputs\": {\"kind\": [\"x\"]}}"));
    // Limits of this server: 4,000 bytes and 20 rows.
    assertError(413, "request body expected at most 4000 bytes, got ",
        post(predict, "{\"instances\": [" + "{\"a\": 1, \"b\": 2},".repeat(300) + "{\"a\": 1, \"b\": 2}]}"));
    assertError(413, "instances expected at most 20 rows per request, got 21",
        post(predict, "{\"instances\": [" + "{\"a\": 1, \"b\": 2},".repeat(20) + "{\"a\": 1, \"b\": 2}]}"));
    assertError(404, "model 'nope' not found",
        post("/v1/models/nope:predict", "{\"instances\": []}"));
    assertError(404, "model 'blobs' has no version 7 (versions: [1])", get("/v1/models/blobs/versions/7"));
    assertError(400, "version expected a whole number >= 1, got 'latest'", get("/v1/models/blobs/versions/latest"));
    assertError(405, "/v1/models/blobs:predict expected POST, got GET", get(predict));
    assertError(405, "/v1/models/blobs expected GET, got POST", post("/v1/models/blobs", "{}"));
    assertError(404, "model API expected :predict or /metadata, got ':classify'",
        post("/v1/models/blobs:classify", "{}"));
    assertError(404, "path expected /v1/models/{name}[/versions/{v}][/metadata|:predict], /healthz, /readyz or"
        + " /metrics, got /v2/models", get("/v2/models"));
    // The server is still serving after all that.
    assertEquals(200, post(predict, "{\"instances\": [{\"a\": 1, \"b\": 2}]}").status());
  }

  /**
   * With a bearer token every request but the health checks needs it; answers name no local path,
   * JDK or OS unless asked ({@code ?details=local}); a 404 names no other model; the default
   * address is this machine only.
   */
  @Test
  void aTokenGuardsEveryRequestButHealthAndAnswersLeakNothingLocal() throws Exception {
    assertEquals("127.0.0.1", ModelServer.Options.defaults().host());
    // As the Pusher words it: the blessing's path in the reason.
    Path blessing = models.resolve("root/evaluator/blessing/23-b7120459-41fa");
    new ModelRegistry(registry).push("blobs", first, first.toUri().toString(), "blessed by evaluator (" + blessing + ")");
    server = ModelServer.start(registry, ModelServer.Options.defaults().withPort(0)
        .withPollInterval(Duration.ofMillis(100)), "s3cret-token");
    String body = "{\"instances\": [{\"a\": 1, \"b\": 2}]}";
    for (String path : List.of("/v1/models/blobs", "/v1/models/blobs/metadata", "/metrics", "/v1/models/nope")) {
      assertError(401, "request expected an Authorization: Bearer header with the server's token, got none",
          get(path));
      assertError(401, "request expected an Authorization: Bearer header with the server's token, got a wrong one",
          send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer s3cret-tokeN").GET().build()));
    }
    assertEquals(401, post("/v1/models/blobs:predict", body).status());
    assertEquals(200, get("/healthz").status());
    assertEquals(200, get("/readyz").status());
    Reply ok = send(HttpRequest.newBuilder(uri("/v1/models/blobs:predict")).header("Authorization",
        "Bearer s3cret-token").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertEquals(200, ok.status(), ok.text());

    Reply meta = send(HttpRequest.newBuilder(uri("/v1/models/blobs/metadata")).header("Authorization",
        "Bearer s3cret-token").GET().build());
    assertEquals(200, meta.status(), meta.text());
    for (String local : List.of(registry.toString(), first.toString(), System.getProperty("java.version"),
        System.getProperty("os.name"), models.toString())) {
      assertFalse(meta.text().contains(local), local + " in " + meta.text());
    }
    assertEquals("blessed by evaluator", meta.body().at("/millrace/registry_entry/reason").asText());
    Reply asked = send(HttpRequest.newBuilder(uri("/v1/models/blobs/metadata?details=local"))
        .header("Authorization", "Bearer s3cret-token").GET().build());
    assertTrue(asked.text().contains(registry.toString()), asked.text());
    Reply missing = send(HttpRequest.newBuilder(uri("/v1/models/nope")).header("Authorization",
        "Bearer s3cret-token").GET().build());
    assertError(404, "model 'nope' not found", missing);
    assertEquals("model 'nope' not found", missing.body().get("error").asText());
  }

  /**
   * A client that has its answer finds its request counted in /metrics at once: 1,000 times, a bad
   * request then /metrics on the same connection (counted after the answer went out, a /metrics
   * read handled by the server's other thread was ahead of the count now and then).
   */
  @Test
  void aRequestIsCountedBeforeItsAnswerArrives() throws Exception {
    start(VersionPolicy.LATEST);
    String line = "millrace_serving_requests_total{api=\"predict\",code=\"404\",model=\"\"} ";
    for (int i = 1; i <= 1000; i++) {
      assertEquals(404, post("/v1/models/made-up:predict", "{}").status());
      String expected = line + i + ".0";
      String text = get("/metrics").text();
      assertTrue(text.lines().anyMatch(expected::equals), "after request " + i + ", expected " + expected + " in\n"
          + text.lines().filter(l -> l.startsWith(line)).toList());
    }
  }

  @Test
  void metricsAndHealthEndpoints() throws Exception {
    start(VersionPolicy.LATEST);
    assertEquals(200, get("/healthz").status());
    Reply notReady = get("/readyz");
    assertEquals(503, notReady.status());
    assertEquals("no model version is loaded", notReady.body().get("status").asText());
    push(first);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (get("/readyz").status() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals("{\"models\":{\"blobs\":[1]},\"status\":\"ok\"}", get("/readyz").text());
    post("/v1/models/blobs:predict", "{\"instances\": [{\"a\": 1, \"b\": 2}, {\"a\": 3, \"b\": 4}]}");
    post("/v1/models/blobs:predict", "{\"instances\": [{\"a\": 1, \"b\": 2}]}");
    post("/v1/models/blobs:predict", "{\"instances\": [{\"a\": \"x\", \"b\": 2}]}");
    post("/v1/models/made-up:predict", "{}");
    Reply metrics = get("/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    String text = metrics.text();
    for (String line : List.of(
        "# TYPE millrace_serving_requests_total counter",
        "millrace_serving_requests_total{api=\"predict\",code=\"200\",model=\"blobs\"} 2.0",
        "millrace_serving_requests_total{api=\"predict\",code=\"400\",model=\"blobs\"} 1.0",
        "millrace_serving_requests_total{api=\"predict\",code=\"404\",model=\"\"} 1.0",
        "millrace_serving_request_duration_seconds_count{api=\"predict\",model=\"blobs\"} 3",
        "millrace_serving_request_duration_seconds_bucket{api=\"predict\",model=\"blobs\",le=\"+Inf\"} 3",
        "millrace_serving_predicted_rows_total{model=\"blobs\",version=\"1\"} 3.0",
        "millrace_serving_model_loads_total{model=\"blobs\",result=\"ok\"} 1.0",
        // One request after the other: each its own pass (the bad row failed before its pass).
        "millrace_serving_forward_passes_total{model=\"blobs\",version=\"1\"} 2.0",
        "millrace_serving_batched_requests_total{model=\"blobs\",version=\"1\"} 0.0",
        "millrace_serving_model_version_available{model=\"blobs\",version=\"1\"} 1.0",
        // The batch sizes: a request of two rows, then one of one row, each its own pass.
        "millrace_serving_request_rows_sum{model=\"blobs\"} 3.0",
        "millrace_serving_batch_rows_bucket{model=\"blobs\",version=\"1\",le=\"1.0\"} 1",
        "millrace_serving_batch_rows_bucket{model=\"blobs\",version=\"1\",le=\"2.0\"} 2",
        "# TYPE jvm_gc_collection_seconds summary",
        "# TYPE process_cpu_seconds_total counter")) {
      assertTrue(text.lines().anyMatch(line::equals), "expected the line " + line + " in\n" + text);
    }
  }

  /**
   * A category the vocabulary has no bucket for becomes id -1, which an embedding cannot take: a
   * 400 naming the row, not a 500. And lineage written after a version appeared (the Pusher writes
   * registry.json after the rename) shows up in the metadata.
   */
  @Test
  void anUnknownCategoryForAnEmbeddingIsABadRowAndLateLineageShowsUp() throws Exception {
    var graph = org.millrace.transform.graph.Graph.fromJson("""
        {"format": "millrace.transform_graph", "format_version": 1, "nan_policy": "error",
         "inputs": [{"name": "color", "type": "string"}],
         "features": [{"name": "color", "sources": ["color"], "categorical": true,
           "ops": [{"op": "vocabulary", "terms": ["red", "green", "blue"], "num_oov_buckets": 0}],
           "outputs": ["color_id"]}],
         "label": {"feature": "kind", "task": "classification", "type": "string", "vocabulary": ["x", "y"]},
         "output_schema": {"dim": 1, "names": ["color_id"]}}
        """);
    var net = new org.millrace.trainer.nn.Network(new int[] {1}, List.of(new org.millrace.trainer.nn.Embedding(3, 2),
        new org.millrace.trainer.nn.Flatten(), new org.millrace.trainer.nn.Dense(2,
            org.millrace.trainer.backend.Activation.LINEAR))).build(new org.millrace.trainer.backend.JavaBackend(1), 4);
    net.initialize(1);
    Path version = Files.createDirectories(registry.resolve("colors/1"));
    org.millrace.trainer.model.ModelFiles.write(version, net, org.millrace.trainer.backend.Loss.SOFTMAX_CROSS_ENTROPY,
        graph, Map.of());
    start(VersionPolicy.LATEST);
    assertEquals(200, post("/v1/models/colors:predict", "{\"instances\": [{\"color\": \"green\"}]}").status());
    assertError(400, "instances[1]: the model cannot take this row: ",
        post("/v1/models/colors:predict", "{\"instances\": [{\"color\": \"red\"}, {\"color\": \"purple\"}]}"));

    assertTrue(get("/v1/models/colors/metadata").body().at("/millrace/registry_entry").isNull());
    Files.writeString(registry.resolve("colors/registry.json"), "{\"model_name\": \"colors\", \"versions\":"
        + " [{\"version\": 1, \"model_uri\": \"file:/trained/1\"}]}");
    assertEquals("file:/trained/1", get("/v1/models/colors/metadata?details=local").body()
        .at("/millrace/registry_entry/model_uri")
        .asText());
  }

  /** A handwritten model directory: one numeric feature x (z-scored), a network, a label of the given task. */
  void writeModel(String name, String label, org.millrace.trainer.backend.Loss loss, int outputs) throws Exception {
    var graph = org.millrace.transform.graph.Graph.fromJson("""
        {"format": "millrace.transform_graph", "format_version": 1, "nan_policy": "error",
         "inputs": [{"name": "x", "type": "float"}],
         "features": [{"name": "x", "sources": ["x"], "categorical": false,
           "ops": [{"op": "zscore", "mean": 1.0, "std": 2.0}], "outputs": ["x_zscore"]}],
         "label": %s,
         "output_schema": {"dim": 1, "names": ["x_zscore"]}}
        """.formatted(label));
    var net = new org.millrace.trainer.nn.Network(new int[] {1}, List.of(new org.millrace.trainer.nn.Dense(outputs,
        org.millrace.trainer.backend.Activation.LINEAR))).build(new org.millrace.trainer.backend.JavaBackend(1), 4);
    net.initialize(3);
    org.millrace.trainer.model.ModelFiles.write(Files.createDirectories(registry.resolve(name + "/1")), net, loss, graph,
        Map.of());
  }

  @Test
  void regressorsAnswerNumbersAndBinaryClassifiersBothProbabilities() throws Exception {
    writeModel("price", "{\"feature\": \"y\", \"task\": \"regression\", \"type\": \"float\", \"vocabulary\": []}",
        org.millrace.trainer.backend.Loss.MSE, 1);
    writeModel("churn", "{\"feature\": \"y\", \"task\": \"classification\", \"type\": \"string\","
        + " \"vocabulary\": [\"stays\", \"leaves\"]}", org.millrace.trainer.backend.Loss.BINARY_CROSS_ENTROPY, 1);
    start(VersionPolicy.LATEST);
    String rows = "{\"instances\": [{\"x\": 3.0}, {\"x\": -1}]}";
    float[] p0 = ModelRuntime.load(registry.resolve("price/1")).predictRow(Map.of("x", 3.0));
    JsonNode price = post("/v1/models/price:predict", rows).body();
    assertEquals(p0[0], price.at("/predictions/0").floatValue(), 1e-6f, price.toString());
    assertTrue(price.at("/predictions/1").isNumber(), price.toString());
    JsonNode columns = post("/v1/models/price:predict", "{\"inputs\": {\"x\": [3.0, -1]}}").body();
    assertEquals(price.get("predictions"), columns.get("outputs"));
    assertEquals("predictions", names(get("/v1/models/price/metadata").body()
        .at("/metadata/signature_def/signature_def/serving_default/outputs")).iterator().next());

    float[] c0 = ModelRuntime.load(registry.resolve("churn/1")).predictRow(Map.of("x", 3.0));
    JsonNode churn = post("/v1/models/churn:predict", rows).body().at("/predictions/0");
    assertProbabilities(new float[] {1 - c0[0], c0[0]}, churn.get("probabilities"));
    assertEquals(c0[0] > 0.5f ? "leaves" : "stays", churn.get("class").asText());
    assertEquals(c0[0] > 0.5f ? 1 : 0, churn.get("class_id").asInt());
  }

  static void assertError(int status, String messageStart, Reply reply) {
    assertEquals(status, reply.status(), reply.text());
    String message = reply.body().get("error").asText();
    assertTrue(message.startsWith(messageStart), "expected an error starting with <" + messageStart + ">, got <"
        + message + ">");
    assertEquals(Set.of("error"), names(reply.body()));
  }

  static Set<String> names(JsonNode o) {
    var s = new java.util.HashSet<String>();
    o.fieldNames().forEachRemaining(s::add);
    return s;
  }
}
