package org.millrace.pipelines.cli;

import java.util.concurrent.Callable;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.Context;
import org.millrace.metadata.MetadataStore;
import org.millrace.pipelines.launch.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code millrace artifacts}: a table of stored artifacts. */
@Command(name = "artifacts", description = "List artifacts, newest first.")
final class ArtifactsCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Option(names = "--type", description = "Only this artifact type, e.g. Model.")
  String type;

  @Option(names = "--pipeline", description = "Only artifacts of this pipeline.")
  String pipeline;

  @Option(names = "--limit", defaultValue = "50", converter = Ranges.PositiveCount.class)
  int limit;

  @Override
  public Integer call() {
    try (MetadataStore store = cli.openExistingStore()) {
      if (type != null && org.millrace.api.artifact.ArtifactTypes.byName(type).isEmpty()
          && store.getType(org.millrace.metadata.TypeKind.ARTIFACT, type).isEmpty()) {
        // A misspelled type is a mistake to say, not an empty table (a custom component's type is in the store).
        throw new IllegalArgumentException("--type expected one of " + org.millrace.api.artifact.ArtifactTypes.all()
            .stream().map(org.millrace.api.artifact.ArtifactType::name).sorted().toList()
            + " or a type of this store's artifacts, got '" + type + "'");
      }
      var q = ArtifactQuery.builder().type(type).newestFirst().limit(limit);
      if (pipeline != null) {
        Context c = store.getContext(Keys.PIPELINE_CONTEXT, pipeline).orElseThrow(() -> new IllegalArgumentException(
            "pipeline expected one of " + store.getContexts(Keys.PIPELINE_CONTEXT).stream().map(Context::name).toList()
                + ", got '" + pipeline + "'"));
        q.context(c.id());
      }
      var t = new Table("id", "type", "state", "created", "uri");
      for (Artifact a : store.getArtifacts(q.build())) {
        t.row(a.id(), a.type(), a.state(), a.createTime(), a.uri());
      }
      cli.out().print(t.render());
      return MillraceCli.OK;
    }
  }
}
