package org.millrace.pipelines.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.millrace.metadata.MetadataStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code millrace ui}: browse pipelines, runs, artifacts, lineage and reports in a browser. */
@Command(name = "ui", description = "Web pages over the metadata store: pipelines, runs, nodes, artifacts with their"
    + " lineage and HTML reports. Until Ctrl-C.")
final class UiCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE} (this machine only).")
  String host;

  @Option(names = "--port", defaultValue = "8080", converter = Ranges.Port.class, description = "Default: ${DEFAULT-VALUE}.")
  int port;

  @Override
  public Integer call() throws Exception {
    MetadataStore store = cli.openStore();
    WebUi ui = new WebUi(store, host, port);
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
