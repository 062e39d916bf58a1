package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactState;
import org.millrace.metadata.MetadataStores;
import org.millrace.metadata.StoreType;

/**
 * {@code millrace serve} and {@code millrace ui} as deployed, through the launcher, against slow
 * and hostile clients: both listen on 127.0.0.1 only unless told otherwise; serve's health checks
 * answer while slow clients hold every request slot, which its default request time limit (30 s)
 * frees; the ui refuses files outside an artifact's directory and requests without its token.
 */
class ServerLimitsIT {
  static final Duration LONG = Duration.ofMinutes(2);

  @TempDir
  Path dir;

  /**
   * Two clients send a predict's headers and the first byte of its body, then nothing: they hold
   * both request slots ({@code --threads 2}). {@code /healthz} answers at once, while they are still
   * connected; a normal request is answered only once the server has cut them off (its default
   * 30 s request time limit, nothing set in the environment), and so has a third client that never
   * finished its request line.
   */
  @Test
  void serveAnswersHealthChecksWhileSlowClientsHoldEveryRequestSlotAndCutsThemOff() throws Exception {
    Path registry = Files.createDirectories(dir.resolve("registry"));
    Models.writeRegressor(registry.resolve("price/1"));
    Path tokenFile = Files.writeString(dir.resolve("token"), "e2e-token\n");
    var cli = new MillraceProcess(dir);
    try (var serve = cli.start("serve", "--registry", registry.toString(), "--port", "0", "--threads", "2",
        "--token-file", tokenFile.toString(), "--poll-seconds", "60")) {
      Matcher m = awaitStdout(serve, Pattern.compile("^serving .* on http://([^:]+):(\\d+)", Pattern.MULTILINE));
      assertEquals("127.0.0.1", m.group(1), serve.out());
      int port = Integer.parseInt(m.group(2));
      assertNotReachableFromOtherInterfaces(port);

      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          Socket s = connect(port);
          write(s, "POST /v1/models/price:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer e2e-token\r\n"
              + "Content-Length: 1000\r\n\r\n{");
          slow.add(s);
        }
        Socket partial = connect(port);
        write(partial, "GET /v1/mod");
        slow.add(partial);
        Thread.sleep(1000); // let the server take them in

        var http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        for (Socket s : slow) {
          assertTrue(stillOpen(s), "the health check answered while the slow clients were connected");
        }
        CompletableFuture<HttpResponse<String>> normal = http.sendAsync(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + port + "/v1/models/price")).header("Authorization", "Bearer e2e-token").build(),
            HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> answered = normal.get(90, TimeUnit.SECONDS);
        assertEquals(200, answered.statusCode(), answered.body());
        assertTrue(answered.body().contains("AVAILABLE"), answered.body());
        // It waited for a slot: by the time it was answered, the server had cut the slow clients off.
        for (Socket s : slow) {
          assertClosedByServer(s);
        }
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
      serve.terminate(Duration.ofSeconds(30));
    }
  }

  /**
   * The ui over a store whose artifact has a report, with a secret file next to its directory and
   * symbolic links inside it pointing out: only the report is served, with the headers that sandbox
   * it; everything needs the token but {@code /healthz}; the default address is this machine only.
   */
  @Test
  void uiServesAnArtifactsOwnFilesOnlyAndOnlyWithItsToken() throws Exception {
    Path root = Files.createDirectories(dir.resolve("artifacts/model"));
    Files.writeString(root.resolve("report.html"), "<html><body><p>the report</p></body></html>");
    Path secret = Files.writeString(dir.resolve("artifacts/secret.txt"), "TOP-SECRET");
    Files.createSymbolicLink(root.resolve("leak.txt"), secret);
    Files.createSymbolicLink(root.resolve("up"), root.getParent());
    long id;
    try (var store = MetadataStores.sqlite(dir.resolve("metadata.db"))) {
      store.putType(StoreType.artifact("Model", Map.of()));
      id = store.putArtifact(Artifact.create("Model", root.toString(), ArtifactState.LIVE, Map.of(), Map.of()));
    }
    Path tokenFile = Files.writeString(dir.resolve("token"), "ui-token");
    var cli = new MillraceProcess(dir);
    try (var ui = cli.start("ui", "--port", "0", "--token-file", tokenFile.toString())) {
      Matcher m = awaitStdout(ui, Pattern.compile("millrace ui on http://([^/:]+):(\\d+)/"));
      assertEquals("127.0.0.1", m.group(1), ui.out());
      int port = Integer.parseInt(m.group(2));
      assertNotReachableFromOtherInterfaces(port);
      String auth = "Authorization: Bearer ui-token";

      String report = get(port, "/files/" + id + "/report.html", auth);
      assertTrue(report.startsWith("HTTP/1.1 200 ") && report.contains("the report"), report);
      assertTrue(String.valueOf(header(report, "Content-Security-Policy")).startsWith("sandbox;"), report);
      assertEquals("nosniff", header(report, "X-Content-Type-Options"), report);
      var served = new ArrayList<String>();
      for (String path : List.of("../secret.txt", "%2e%2e/secret.txt", "%2e%2e%2fsecret.txt", "leak.txt",
          "up/secret.txt")) {
        String answer = get(port, "/files/" + id + "/" + path, auth);
        if (!answer.startsWith("HTTP/1.1 404 ") || answer.contains("TOP-SECRET")) {
          served.add(path + " -> " + answer.lines().findFirst().orElse(""));
        }
      }
      assertEquals(List.of(), served, "files outside the artifact's directory");

      String page = get(port, "/artifacts/" + id, auth);
      assertTrue(page.startsWith("HTTP/1.1 200 ") && page.contains("report.html"), page);
      assertTrue(String.valueOf(header(page, "Content-Security-Policy")).startsWith("default-src 'none';"), page);
      assertEquals("DENY", header(page, "X-Frame-Options"), page);
      assertTrue(get(port, "/artifacts/" + id).startsWith("HTTP/1.1 401 "));
      assertTrue(get(port, "/files/" + id + "/report.html", "Authorization: Bearer wrong").startsWith("HTTP/1.1 401 "));
      assertTrue(get(port, "/healthz").startsWith("HTTP/1.1 200 "));
      ui.terminate(Duration.ofSeconds(30));
    }
  }

  /** On a machine with another (non-loopback) IPv4 address, nothing answers on {@code port} there. */
  static void assertNotReachableFromOtherInterfaces(int port) throws Exception {
    Optional<InetAddress> other = NetworkInterface.networkInterfaces()
        .filter(i -> {
          try {
            return i.isUp() && !i.isLoopback();
          } catch (SocketException e) {
            return false;
          }
        })
        .flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst();
    if (other.isPresent()) {
      assertThrows(ConnectException.class, () -> {
        try (var s = new Socket()) {
          s.connect(new InetSocketAddress(other.get(), port), 5000);
        }
      }, "listening on " + other.get());
    }
  }

  static Socket connect(int port) throws Exception {
    var s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return s;
  }

  static void write(Socket s, String text) throws Exception {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** Whether the server has not closed the connection (a read finds nothing yet). */
  static boolean stillOpen(Socket s) throws Exception {
    s.setSoTimeout(50);
    try {
      return s.getInputStream().read() >= 0;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (SocketException e) {
      return false;
    }
  }

  /** The server has closed the connection without an answer (end of stream or a reset). */
  static void assertClosedByServer(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    try {
      assertEquals(-1, s.getInputStream().read(), "a slow client is cut off without an answer");
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close a slow client's connection", e);
    } catch (SocketException e) {
      // reset by the server: closed
    }
  }

  /** A whole answer to a GET sent as written (no client normalizes the path). */
  static String get(int port, String target, String... headers) throws Exception {
    try (Socket s = connect(port)) {
      s.setSoTimeout(30_000);
      write(s, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + String.join("", List.of(headers).stream().map(h -> h + "\r\n").toList()) + "\r\n");
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String header(String answer, String name) {
    return answer.substring(0, answer.indexOf("\r\n\r\n")).lines().skip(1)
        .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(name.toLowerCase(java.util.Locale.ROOT) + ":"))
        .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse(null);
  }

  static Matcher awaitStdout(MillraceProcess.Running r, Pattern p) throws Exception {
    long end = System.nanoTime() + LONG.toNanos();
    while (System.nanoTime() < end) {
      Matcher m = p.matcher(r.out());
      if (m.find()) {
        return m;
      }
      assertTrue(r.isAlive(), "exited before printing " + p + "\n" + r.out() + r.err());
      Thread.sleep(50);
    }
    throw new AssertionError("no " + p + " on stdout within " + LONG + "\n" + r.out() + r.err());
  }

  /** A handwritten model directory: one float feature x (z-scored) and a linear regressor. */
  static final class Models {
    private Models() {}

    static void writeRegressor(Path version) throws Exception {
      var graph = org.millrace.transform.graph.Graph.fromJson("""
          {"format": "millrace.transform_graph", "format_version": 1, "nan_policy": "error",
           "inputs": [{"name": "x", "type": "float"}],
           "features": [{"name": "x", "sources": ["x"], "categorical": false,
             "ops": [{"op": "zscore", "mean": 1.0, "std": 2.0}], "outputs": ["x_zscore"]}],
           "label": {"feature": "y", "task": "regression", "type": "float", "vocabulary": []},
           "output_schema": {"dim": 1, "names": ["x_zscore"]}}
          """);
      var net = new org.millrace.trainer.nn.Network(new int[] {1}, List.of(new org.millrace.trainer.nn.Dense(1,
          org.millrace.trainer.backend.Activation.LINEAR))).build(new org.millrace.trainer.backend.JavaBackend(1), 4);
      net.initialize(3);
      org.millrace.trainer.model.ModelFiles.write(Files.createDirectories(version), net,
          org.millrace.trainer.backend.Loss.MSE, graph, Map.of());
    }
  }
}
