package org.millrace.pipelines.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.millrace.metadata.MetadataStore;
import org.millrace.serving.http.BearerToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code millrace ui}: browse pipelines, runs, artifacts, lineage and reports in a browser. */
@Command(name = "ui", description = "Web pages over the metadata store: pipelines with their runs' metrics charted,"
    + " run graphs, artifacts with their lineage graphs and HTML reports, two runs compared. Until Ctrl-C.")
final class UiCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE} (this machine only).")
  String host;

  @Option(names = "--port", defaultValue = "8080", converter = Ranges.Port.class, description = "Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--token-file",
      description = "File holding a bearer token every request but /healthz must send (Authorization: Bearer TOKEN)."
          + " Default: none.")
  Path tokenFile;

  @Override
  public Integer call() throws Exception {
    BearerToken token = tokenFile == null ? null : BearerToken.fromFile(tokenFile, "--token-file");
    MetadataStore store = cli.openStore();
    WebUi ui;
    try {
      ui = new WebUi(store, host, port, token);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    var done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ui.close();
      store.close();
      done.countDown();
    }, "millrace-ui-shutdown"));
    cli.out().println("millrace ui on http://" + host + ":" + ui.port() + "/");
    cli.out().flush();
    done.await();
    return MillraceCli.OK;
  }
}
