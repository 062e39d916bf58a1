package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The penguins pipeline pushes its first model; a second run whose trainer is crippled produces a
 * worse model, which the evaluator compares with the first (the latest blessed) and does not
 * bless, so nothing is pushed and the reason is recorded. Lineage leads from the pushed version
 * back to the ingested span.
 */
class ModelPushIT {
  @TempDir
  Path dir;

  @Test
  void aWorseModelIsNotPushedAndLineageReachesTheData() throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    String text = Files.readString(yaml);
    var cli = new Cli(dir);
    Cli.Result first = cli.run("run", yaml.toString());
    assertEquals(0, first.code(), first.out() + first.err());
    assertTrue(Files.isDirectory(dir.resolve("registry/penguins/1")), "version 1 pushed");

    Files.writeString(yaml, text.replace("hidden_layers: [{units: 32, activation: relu}, {units: 16, activation: relu}]",
        "hidden_layers: [{units: 1, activation: sigmoid}]").replace("epochs: 40", "epochs: 1")
        .replace("learning_rate: 0.01", "learning_rate: 0.0001"));
    Cli.Result second = cli.run("run", yaml.toString());
    assertEquals(0, second.code(), second.out() + second.err());
    assertEquals(java.util.List.of("1"), listVersions(dir.resolve("registry/penguins")));
    String pushDir = second.out().lines().filter(l -> l.startsWith("pusher ")).findFirst().orElseThrow()
        .replaceAll(".*\\s(/\\S+)\\s*$", "$1");
    String push = Files.readString(Path.of(pushDir, "pushed_model.json"));
    assertTrue(push.contains("\"pushed\" : false") && push.contains("model not blessed: ") && push.contains("accuracy"),
        push);
    String latest = listVersions(dir.resolve("root/evaluator/evaluation")).stream()
        .max(java.util.Comparator.comparingLong(n -> Long.parseLong(n.split("-")[0]))).orElseThrow();
    String evaluation = Files.readString(dir.resolve("root/evaluator/evaluation").resolve(latest).resolve("evaluation.json"));
    assertTrue(evaluation.contains("\"baseline_model\" : \"" + dir.resolve("root/trainer/model")), evaluation);

    // The first run's push (the one that published version 1): the lowest execution id, whatever the listing order.
    Path pushed = java.util.Arrays.stream(dir.resolve("root/pusher/pushed_model").toFile().listFiles())
        .map(java.io.File::toPath).filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
        .min(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().split("-")[0])))
        .orElseThrow();
    Cli.Result lineage = cli.run("lineage", pushed.toString());
    assertEquals(0, lineage.code(), lineage.err());
    assertTrue(lineage.out().startsWith("PushedModel #") && lineage.out().contains("pushed_version=1"), lineage.out());
    assertTrue(lineage.out().contains("by Trainer node 'trainer'") && lineage.out().contains("by ExampleGen node 'ingest'")
        && lineage.out().contains("span=0"), lineage.out());
    // --parameters: what each execution ran with, the trainer's epochs among them (lineage named none).
    Cli.Result withParameters = cli.run("lineage", pushed.toString(), "--parameters");
    assertTrue(withParameters.out().contains("    parameters: {") && withParameters.out().contains("\"epochs\":40"),
        withParameters.out());
    assertTrue(!lineage.out().contains("parameters: {"), lineage.out());
    // gc by the pipeline's name (a pipeline defined in Java has no YAML to name) plans what gc of its YAML plans.
    Cli.Result byFile = cli.run("gc", yaml.toString(), "--dry-run", "--min-age-days", "0", "--keep-runs", "1");
    Cli.Result byName = cli.run("gc", "penguins", "--dry-run", "--min-age-days", "0", "--keep-runs", "1");
    assertEquals(0, byName.code(), byName.err());
    assertTrue(byFile.out().contains("gc penguins: would delete the files of "), byFile.out());
    assertEquals(byFile.out(), byName.out());
    Cli.Result unknown = cli.run("gc", "no-such-pipeline", "--dry-run");
    assertEquals(2, unknown.code(), unknown.out());
    assertTrue(unknown.err().contains("got 'no-such-pipeline' (no such file, and no run of a pipeline of that name)"),
        unknown.err());
    // From what the registry and the server say of a version: its directory, or its files' fingerprint (which
    // matched nothing in the store), to the same push.
    var registryFingerprint = java.util.regex.Pattern.compile("\"fingerprint\" ?: ?\"([0-9a-f]{64})\"").matcher(
        Files.readString(dir.resolve("registry/penguins/registry.json")));
    assertTrue(registryFingerprint.find(), Files.readString(dir.resolve("registry/penguins/registry.json")));
    for (String ref : java.util.List.of(dir.resolve("registry/penguins/1").toString(), registryFingerprint.group(1))) {
      Cli.Result byRegistry = cli.run("lineage", ref);
      assertEquals(0, byRegistry.code(), ref + ": " + byRegistry.err());
      assertTrue(byRegistry.out().startsWith("PushedModel #") && byRegistry.out().contains("pushed_version=1")
          && byRegistry.out().contains("by Trainer node 'trainer'"), byRegistry.out());
    }
  }

  @Test
  void manualBlessAndRollbackAreRecorded() throws Exception {
    Path yaml = Cli.relocate(Path.of("pipelines/examples/penguins/pipeline.yaml"), dir);
    var cli = new Cli(dir);
    assertEquals(0, cli.run("run", yaml.toString()).code());
    // The served model pushed again is not a second version (a retried or resumed Pusher adopts it).
    Cli.Result retried = cli.run("run", yaml.toString(), "--only", "pusher", "--no-cache");
    assertEquals(0, retried.code(), retried.out() + retried.err());
    assertEquals(java.util.List.of("1"), listVersions(dir.resolve("registry/penguins")));
    // ... and its record says so: not pushed, version 1 serving these files (it said pushed: true, version 1,
    // under a second blessing, as if version 1 had been pushed twice).
    String retriedPush = Files.readString(Path.of(retried.out().lines().filter(l -> l.startsWith("pusher "))
        .findFirst().orElseThrow().replaceAll(".*\\s(/\\S+)\\s*$", "$1"), "pushed_model.json"));
    assertTrue(retriedPush.contains("\"pushed\" : false") && retriedPush.contains("version 1 of penguins already"
        + " serves these files"), retriedPush);
    // The Pusher is never a cache hit: a run with every other node cached checks the registry as it is now.
    Cli.Result cached = cli.run("run", yaml.toString());
    assertTrue(cached.out().lines().anyMatch(l -> l.startsWith("trainer ") && l.contains(" CACHED "))
        && cached.out().lines().anyMatch(l -> l.startsWith("pusher ") && l.contains(" COMPLETE ")), cached.out());
    String registry = "--registry=" + dir.resolve("registry");
    // The served version cannot be rolled back to (that published a copy of it as a new version).
    Cli.Result served = cli.run("models", "rollback", "penguins", "--to", "1", "--reason", "again", registry);
    assertEquals(2, served.code(), served.err());
    assertTrue(served.err().contains("version 1, the newest, is served"), served.err());
    // The model of another configuration (epochs: 39) is version 2; rolled back to version 1, which becomes version 3.
    assertEquals(0, cli.run("run", yaml.toString(), "--set", "trainer.epochs=39").code());
    assertEquals(java.util.List.of("1", "2"), listVersions(dir.resolve("registry/penguins")));
    Cli.Result rollback = cli.run("models", "rollback", "penguins", "--to", "1", "--reason", "v2 misbehaves", registry);
    assertEquals(0, rollback.code(), rollback.err());
    assertEquals("penguins: version 1 published again as version 3 (execution #", rollback.out().substring(0, 61));
    Cli.Result list = cli.run("models", "list", "penguins", registry);
    assertTrue(list.out().contains("v2 misbehaves") && list.out().lines().count() == 5, list.out());
    // Without a name: every model, its served version and how many versions it has.
    Cli.Result all = cli.run("models", "list", registry);
    assertEquals(0, all.code(), all.err());
    assertTrue(all.out().lines().anyMatch(l -> l.matches("penguins\\s+3\\s+\\S+\\s+3\\s*")), all.out());
    // The next run of that configuration (its Trainer cached: version 2's model) does not publish the withdrawn
    // model again: it did, as version 4, and serving went back to it.
    Cli.Result again = cli.run("run", yaml.toString(), "--set", "trainer.epochs=39");
    assertEquals(0, again.code(), again.out() + again.err());
    assertEquals(java.util.List.of("1", "2", "3"), listVersions(dir.resolve("registry/penguins")));
    String pushDir = again.out().lines().filter(l -> l.startsWith("pusher ")).findFirst().orElseThrow()
        .replaceAll(".*\\s(/\\S+)\\s*$", "$1");
    String push = Files.readString(Path.of(pushDir, "pushed_model.json"));
    assertTrue(push.contains("\"pushed\" : false") && push.contains("these are the files of version 2, withdrawn by"
        + " the rollback to version 1 (version 3, ") && push.contains("v2 misbehaves"), push);
    // Its Evaluator compared it with the model in production, version 1's (the first run's model: the lowest
    // execution id), not with itself, the withdrawn version 2's, as the newest blessed model it was.
    Path firstModel = java.util.Arrays.stream(dir.resolve("root/trainer/model").toFile().listFiles())
        .map(java.io.File::toPath).filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
        .min(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().split("-")[0])))
        .orElseThrow();
    String newestEvaluation = listVersions(dir.resolve("root/evaluator/evaluation")).stream()
        .max(java.util.Comparator.comparingLong(n -> Long.parseLong(n.split("-")[0]))).orElseThrow();
    String judged = Files.readString(dir.resolve("root/evaluator/evaluation").resolve(newestEvaluation)
        .resolve("evaluation.json"));
    assertTrue(judged.contains("\"baseline_model\" : \"" + firstModel + "\""), firstModel + "\n" + judged);

    // Lineage names the cache hits that reused an artifact in one line per node, not a tree each (it grew by a
    // tree a run).
    Path firstPush = java.util.Arrays.stream(dir.resolve("root/pusher/pushed_model").toFile().listFiles())
        .map(java.io.File::toPath).filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
        .min(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().split("-")[0])))
        .orElseThrow();
    Cli.Result tree = cli.run("lineage", firstPush.toString());
    assertTrue(tree.out().contains("<- written as 'examples' by ExampleGen node 'ingest' in 3 cache hits (reusing an"
        + " execution's outputs; the latest #") && !tree.out().contains(" CACHED (run "), tree.out());
    Path model = dir.resolve("root/trainer/model").toFile().listFiles()[0].toPath();
    Cli.Result bless = cli.run("models", "bless", model.toString(), "--reason", "reviewed by hand");
    assertEquals(0, bless.code(), bless.err());
    Cli.Result lineage = cli.run("lineage", model.toString(), "--downstream", "--hops", "2");
    assertTrue(lineage.out().contains("read as 'model' by ManualBlessing"), lineage.out());
    Cli.Result missing = cli.run("models", "bless", "999999", "--reason", "x");
    assertEquals(2, missing.code());
    assertEquals("error: artifact expected an existing id, got 999999", missing.err().trim());
  }

  static java.util.List<String> listVersions(Path registry) throws Exception {
    try (var s = Files.list(registry)) {
      // Registry versions are numbers; output locations are <execution id>-<store id>-<random>.
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+(-[0-9a-f]{8}-[0-9a-f]+)?")).sorted()
          .toList();
    }
  }
}
