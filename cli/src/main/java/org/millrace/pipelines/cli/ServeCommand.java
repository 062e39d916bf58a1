package org.millrace.pipelines.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.millrace.serving.InferenceOptions;
import org.millrace.serving.ModelRepository.VersionPolicy;
import org.millrace.serving.ModelServer;
import org.millrace.serving.http.BearerToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code millrace serve}: the model server over a registry, until interrupted (Ctrl-C or SIGTERM). */
@Command(name = "serve", description = "Serve the registry's models over TF Serving's REST API (hot-loads pushed"
    + " versions).")
final class ServeCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Option(names = "--registry", defaultValue = ".millrace/registry",
      description = "Registry base directory (the Pusher's base_dir). Default: ${DEFAULT-VALUE}.")
  Path registry;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on (0.0.0.0: every interface). Default: ${DEFAULT-VALUE} (this machine only).")
  String host;

  @Option(names = "--token-file",
      description = "File holding a bearer token every request but /healthz and /readyz must send"
          + " (Authorization: Bearer TOKEN). Default: none.")
  Path tokenFile;

  @Option(names = "--port", defaultValue = "8501", converter = Ranges.Port.class, description = "Port (TF Serving's REST port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--poll-seconds", defaultValue = "5", converter = Ranges.PollSeconds.class,
      description = "How often the registry is scanned for new versions. Default: ${DEFAULT-VALUE}.")
  double pollSeconds;

  @Option(names = "--versions", defaultValue = "latest",
      description = "latest (the highest version that loads) or all. Default: ${DEFAULT-VALUE}.")
  String versions;

  @Option(names = "--max-request-bytes", defaultValue = "10485760", converter = Ranges.Bytes.class, description = "Default: ${DEFAULT-VALUE}.")
  long maxRequestBytes;

  @Option(names = "--max-rows", defaultValue = "10000", converter = Ranges.PositiveCount.class, description = "Rows per predict request. Default: ${DEFAULT-VALUE}.")
  int maxRows;

  @Option(names = "--threads", converter = Ranges.PositiveCount.class, description = "Requests served at once (the"
      + " health checks answer besides them). Default: 4 per processor, at least 16.")
  Integer threads;

  @Option(names = "--inference-threads", converter = Ranges.PositiveCount.class, description = "Forward passes run at"
      + " once per model version, each on its own copy of the network. Default: one per processor.")
  Integer inferenceThreads;

  @Option(names = "--batch-rows", defaultValue = "64", converter = Ranges.PositiveCount.class, description = "Most rows"
      + " per forward pass when concurrent requests are batched (1: no batching). Default: ${DEFAULT-VALUE}.")
  int batchRows;

  @Option(names = "--batch-wait-us", defaultValue = "0", converter = Ranges.Count.class,
      description = "Longest a forward pass waits for requests already on their way (their bodies being read),"
          + " in microseconds (0: a pass takes the requests queued, without waiting). Default: ${DEFAULT-VALUE}.")
  int batchWaitMicros;

  @Override
  public Integer call() throws Exception {
    VersionPolicy policy = switch (versions.toLowerCase(Locale.ROOT)) {
      case "latest" -> VersionPolicy.LATEST;
      case "all" -> VersionPolicy.ALL;
      default -> throw new IllegalArgumentException("--versions expected latest or all, got '" + versions + "'");
    };
    if (!Files.isDirectory(registry)) {
      throw new IllegalArgumentException("--registry expected a directory (the Pusher's base_dir), got " + registry
          + ": it does not exist");
    }
    if (!(pollSeconds > 0)) {
      throw new IllegalArgumentException("--poll-seconds expected > 0, got " + pollSeconds);
    }
    var defaults = ModelServer.Options.defaults();
    var options = new ModelServer.Options(host, port, Duration.ofMillis(Math.max(1, Math.round(pollSeconds * 1000))),
        policy, maxRequestBytes, maxRows, threads == null ? defaults.threads() : threads);
    var inference = InferenceOptions.defaults().withBatching(batchRows, Duration.ofNanos(batchWaitMicros * 1000L));
    if (inferenceThreads != null) {
      inference = inference.withReplicas(inferenceThreads);
    }
    BearerToken token = tokenFile == null ? null : BearerToken.fromFile(tokenFile, "--token-file");
    ModelServer server = ModelServer.start(registry, options, token, inference);
    var done = new CountDownLatch(1);
    // On Ctrl-C or SIGTERM: requests in flight finish, then the port closes (inside the hook: the JVM
    // halts once the hooks are done).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      done.countDown();
    }, "millrace-serve-shutdown"));
    var models = server.repository().snapshot();
    cli.out().printf("serving %s on http://%s:%d (%s)%n", registry, host, server.port(), models.isEmpty()
        ? "no models yet; polling every " + pollSeconds + " s"
        : String.join(", ", models.values().stream().map(v -> v.name() + " " + v.available().keySet()).toList()));
    cli.out().flush();
    ClassDataDump.keep(); // serving: the classes a server needs are loaded
    done.await();
    return MillraceCli.OK;
  }
}
