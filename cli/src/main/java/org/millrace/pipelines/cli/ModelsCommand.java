package org.millrace.pipelines.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactAndEvent;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.PropertyFilter;
import org.millrace.metadata.StoreType;
import org.millrace.metadata.Value;
import org.millrace.pipelines.launch.Artifacts;
import org.millrace.pipelines.launch.Fingerprints;
import org.millrace.pipelines.launch.Keys;
import org.millrace.pipelines.launch.StoreSchema;
import org.millrace.pusher.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code millrace models}: the registry's versions, and manual bless / rollback decisions recorded in lineage. */
@Command(name = "models", description = "List registry versions; bless a model or roll back by hand, with a record.",
    subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Bless.class, ModelsCommand.Rollback.class,
        ModelsCommand.ExportOnnx.class})
final class ModelsCommand implements Callable<Integer> {
  @ParentCommand
  MillraceCli cli;

  @Override
  public Integer call() {
    cli.spec.commandLine().getSubcommands().get("models").usage(cli.out());
    return MillraceCli.USAGE;
  }

  /** Records a manual decision as a COMPLETE execution with its input and output artifacts. */
  static long record(MetadataStore store, String type, String who, String reason, List<ArtifactAndEvent> artifacts,
      List<Context> contexts) {
    StoreSchema.register(store);
    store.putType(StoreType.execution(type, Map.of()));
    var props = new LinkedHashMap<String, Value>();
    props.put("reason", Value.of(reason));
    props.put("user", Value.of(who));
    props.put(Keys.STARTED_MS, Value.of(System.currentTimeMillis()));
    props.put(Keys.ENDED_MS, Value.of(System.currentTimeMillis()));
    return store.putExecution(Execution.create(type, ExecutionState.COMPLETE, Map.of(), props), artifacts, contexts)
        .executionId();
  }

  /** Fails naming the registry's models when {@code name} is not one of them. */
  static void knownModel(ModelRegistry index, Path registry, String name) {
    if (!index.names().contains(name) && index.list(name).isEmpty()) {
      throw new IllegalArgumentException("model name expected one of " + index.names() + " (the models of "
          + registry + (index.names().isEmpty() ? ", which has none yet: a Pusher's base_dir, or --registry" : "")
          + "), got '" + name + "'");
    }
  }

  @Command(name = "list", description = "The versions of a model in a registry; without a name, the registry's"
      + " models with their served version.")
  static final class ListVersions implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(index = "0", paramLabel = "MODEL_NAME", arity = "0..1")
    String name;

    @Option(names = "--registry", defaultValue = ".millrace/registry", description = "Registry base directory.")
    Path registry;

    @Override
    public Integer call() {
      var index = new ModelRegistry(registry);
      if (name == null) {
        // Every model, as 'kubectl get' lists before 'describe': its served version and how many there are.
        var all = new Table("model", "served version", "pushed at", "versions");
        for (String n : index.names()) {
          var served = index.current(n);
          all.row(n, served.map(v -> (Object) v.version()).orElse(""), served.map(v -> v.pushedAt()).orElse(""),
              index.list(n).size());
        }
        models.cli.out().print(all.render());
        if (index.names().isEmpty()) {
          models.cli.out().println("(no models in " + registry + " yet: a Pusher's base_dir, or --registry)");
        }
        return MillraceCli.OK;
      }
      var t = new Table("version", "pushed at", "model", "reason", "rollback of", "rolled back");
      var versions = index.list(name);
      // A misspelled name is a mistake to say, not an empty table.
      knownModel(index, registry, name);
      for (var v : versions) {
        t.row(v.version(), v.pushedAt(), v.modelUri(), v.reason(), v.rollbackOf(), v.rolledBack() ? "yes" : "");
      }
      models.cli.out().print(t.render());
      return MillraceCli.OK;
    }
  }

  @Command(name = "bless", description = "Bless a model by hand (it becomes the baseline that later runs compare with).")
  static final class Bless implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model artifact id or uri.")
    String model;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() throws Exception {
      try (MetadataStore store = models.cli.openStore()) {
        Artifact m = LineageCommand.find(store, model);
        if (!m.type().equals("Model")) {
          throw new IllegalArgumentException("artifact expected a Model, got a " + m.type() + " (#" + m.id() + ")");
        }
        Path dir = Path.of(".millrace", "manual", "bless-" + m.id() + "-" + System.currentTimeMillis()).toAbsolutePath();
        String who = System.getProperty("user.name");
        ModelRegistry.bless(Path.of(m.uri()), dir, reason);
        var props = new LinkedHashMap<String, Object>();
        props.put("blessed", 1L);
        props.put("summary", "blessed by hand: " + reason);
        props.put("model_uri", m.uri());
        props.put(Keys.FINGERPRINT, Fingerprints.ofDirectory(dir));
        Artifact blessing = Artifacts.toStore("ModelBlessing", dir.toString(), props);
        var contexts = new ArrayList<Context>(store.getContextsByArtifact(m.id()).stream()
            .filter(c -> c.type().equals(Keys.PIPELINE_CONTEXT)).toList());
        long id = record(store, "ManualBlessing", who, reason,
            List.of(ArtifactAndEvent.input(m, "model"), ArtifactAndEvent.output(blessing, "blessing")), contexts);
        models.cli.out().println("model #" + m.id() + " blessed by hand (execution #" + id + "): " + reason);
        return MillraceCli.OK;
      }
    }
  }

  @Command(name = "rollback", description = "Serve an earlier version again (published as a new, highest version).")
  static final class Rollback implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(index = "0", paramLabel = "MODEL_NAME")
    String name;

    @Option(names = "--to", required = true, converter = Ranges.Version.class, description = "The version to serve again.")
    long version;

    @Option(names = "--reason", required = true)
    String reason;

    @Option(names = "--registry", defaultValue = ".millrace/registry", description = "Registry base directory.")
    Path registry;

    @Override
    public Integer call() throws Exception {
      var reg = new ModelRegistry(registry);
      knownModel(reg, registry, name);
      try (MetadataStore store = models.cli.openStore()) {
        var v = reg.rollback(name, (int) version, reason);
        Path dest = Path.of(v.output()).toAbsolutePath();
        var props = new LinkedHashMap<String, Object>();
        props.put("pushed", 1L);
        props.put("pushed_version", v.version());
        props.put("pushed_destination", dest.toString());
        props.put("rollback_of", version);
        props.put(Keys.FINGERPRINT, Fingerprints.ofDirectory(dest));
        reg.list(name).stream().filter(x -> x.version() == v.version()).findFirst()
            .ifPresent(x -> props.put("registry_fingerprint", x.fingerprint()));
        var events = new ArrayList<ArtifactAndEvent>();
        // The push of the version served again: recorded by its absolute path, or (by a Pusher before
        // that) by the path its base_dir gave, relative to the working directory of that run.
        Path target = dest.getParent().resolve(String.valueOf(version));
        for (String recorded : new java.util.LinkedHashSet<>(List.of(target.toString(),
            registry.resolve(name).resolve(String.valueOf(version)).toString(),
            Path.of("").toAbsolutePath().relativize(target).toString()))) {
          var found = store.getArtifacts(ArtifactQuery.builder().type("PushedModel")
              .where(PropertyFilter.eq("pushed_destination", recorded)).limit(1).build());
          if (!found.isEmpty()) {
            events.add(ArtifactAndEvent.input(found.get(0), "rolled_back_to"));
            break;
          }
        }
        events.add(ArtifactAndEvent.output(Artifacts.toStore("PushedModel", dest.toString(), props), "pushed_model"));
        long id = record(store, "ManualRollback", System.getProperty("user.name"), reason, events, List.of());
        models.cli.out().println(name + ": version " + version + " published again as version " + v.version()
            + " (execution #" + id + "): " + reason);
        return MillraceCli.OK;
      }
    }
  }

  @Command(name = "export-onnx", description = "Write a model directory's network as ONNX (the Trainer writes"
      + " model.onnx itself; this re-exports older models).")
  static final class ExportOnnx implements Callable<Integer> {
    @ParentCommand
    ModelsCommand models;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "A Trainer model directory (or a registry version).")
    Path modelDir;

    @Option(names = "--out", description = "Output file. Default: MODEL_DIR/model.onnx.")
    Path out;

    @Override
    public Integer call() throws Exception {
      if (!java.nio.file.Files.isRegularFile(modelDir.resolve(org.millrace.trainer.model.ModelFiles.MODEL_JSON))) {
        throw new IllegalArgumentException("export-onnx expected a model directory with model.json, got " + modelDir);
      }
      Path file = out != null ? out : modelDir.resolve(org.millrace.trainer.model.OnnxExport.FILE_NAME);
      org.millrace.trainer.model.OnnxExport.exportDirectory(modelDir, file);
      models.cli.out().println("wrote " + file);
      return MillraceCli.OK;
    }
  }
}
