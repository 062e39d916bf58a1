package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.ingest.parquet.ParquetFiles;

/**
 * The distribution as a user installs it: {@code millrace-<version>.tar.gz} (built by this build's
 * {@code distribution/} module) unpacked into a folder outside the source tree and run through its
 * {@code bin/millrace} with only a JDK on the {@code PATH} (no Maven, no {@code ~/.m2}: {@code HOME}
 * is an empty folder). The embedded default runs the penguins pipeline without loading a class of
 * Spark or anything from {@code lib/spark/}; a pipeline on Beam's SparkRunner gets {@code lib/spark/}.
 */
class DistributionIT {
  @TempDir
  static Path tmp;

  private static Path home;
  private static Path tools;

  @BeforeAll
  static void unpack() throws Exception {
    Path target = MillraceProcess.repositoryRoot().resolve("distribution/target");
    Path tarball;
    try (Stream<Path> files = Files.list(target)) {
      tarball = files.filter(p -> p.getFileName().toString().matches("millrace-[0-9][^/]*\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new AssertionError("no millrace-<version>.tar.gz in " + target + ": run mvn package"));
    }
    Path unpacked = Files.createDirectories(tmp.resolve("install"));
    Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", unpacked.toString()).inheritIO().start();
    assertTrue(tar.waitFor(5, TimeUnit.MINUTES) && tar.exitValue() == 0, "tar xzf " + tarball);
    String name = tarball.getFileName().toString().replace(".tar.gz", "");
    home = unpacked.resolve(name);
    assertTrue(Files.isExecutable(home.resolve("bin/millrace")), "bin/millrace in " + home);
    assertTrue(Files.isRegularFile(home.resolve("pipelines/examples/penguins/pipeline.yaml")), "example pipeline");
    assertTrue(Files.isRegularFile(home.resolve("examples/data/penguins/penguins.csv")), "example data");
    assertTrue(Files.isRegularFile(home.resolve("docs/distribution.md")), "docs");
    // The few programs a shell script needs besides java; no mvn among them.
    tools = Files.createDirectories(tmp.resolve("tools"));
    // (mkdir, stat, cksum, rm, mv: the class-data archive's, libexec/class-data.bash)
    for (String tool : List.of("bash", "env", "dirname", "readlink", "grep", "sed", "mkdir", "stat", "cksum", "rm",
        "mv")) {
      Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst()
          .orElseThrow(() -> new AssertionError("no " + tool + " on this machine"));
      Files.createSymbolicLink(tools.resolve(tool), found);
    }
  }

  @Test
  void theDefaultRunsFromTheTarballWithAJdkOnlyAndLoadsNoSpark() throws Exception {
    Result version = run(tmp.resolve("version.classes"), "--version");
    assertEquals(0, version.code, version.toString());
    assertTrue(version.out.startsWith("millrace "), version.toString());
    // bin/millrace leaves the Vector API's module out for a command that only reads: no JVM notice of it.
    assertEquals("", version.err, version.toString());

    Path classes = tmp.resolve("penguins.classes");
    Result run = run(classes, "run", "pipelines/examples/penguins/pipeline.yaml");
    assertEquals(0, run.code, run.toString());
    assertTrue(run.out.contains("BLESSED (evaluator): all checks passed"), run.toString());
    assertTrue(run.out.contains(": SUCCEEDED in "), run.toString());
    assertTrue(Files.isDirectory(home.resolve(".millrace/registry/penguins")), "the pushed model in " + home);

    List<String> loaded = Files.readAllLines(classes);
    assertTrue(loaded.stream().anyMatch(l -> l.contains("org.apache.beam.runners.direct.")),
        "the class-load log records the run's classes (" + loaded.size() + " lines)");
    assertEquals(List.of(), loaded.stream().filter(l -> l.contains(" org.apache.spark.") || l.contains("/lib/spark/"))
        .limit(5).toList(), "classes of Spark, or from lib/spark/, loaded by the embedded default");
    // Nor Hadoop's: Beam's Hadoop filesystem is in the other half, so nothing registers it here.
    assertEquals(List.of(), loaded.stream().filter(l -> l.contains(" org.apache.hadoop.")
        || l.contains(" org.apache.beam.sdk.io.hdfs.")).limit(5).toList(),
        "classes of Hadoop, or of Beam's Hadoop filesystem, loaded by the embedded default on a CSV input");
  }

  @Test
  void ingestAndStatisticsRunInProcessWithoutBeamsPipelineOptionsOrRunner() throws Exception {
    // The penguins pipeline's nodes before Transform: ExampleGen, StatisticsGen, SchemaGen, ExampleValidator.
    String penguins = Files.readString(home.resolve("pipelines/examples/penguins/pipeline.yaml"));
    String nodes = penguins.substring(0, penguins.indexOf("  transform:"));
    // No arguments; the in-process thread count only (docs/pipelines.md); a named runner.
    for (String runner : List.of("", "threads", "DirectRunner")) {
      Path pipeline = tmp.resolve("validate-" + runner + ".yaml");
      Files.writeString(pipeline, nodes.replace("pipeline_root: .millrace/pipelines/penguins",
          "pipeline_root: .millrace/pipelines/validate-" + runner)
          + (runner.isEmpty() ? "" : runner.equals("threads") ? "beam_pipeline_args: [\"--targetParallelism=1\"]\n"
              : "beam_pipeline_args: [\"--runner=" + runner + "\"]\n"));
      Path classes = tmp.resolve("validate-" + runner + ".classes");
      Result run = run(classes, "run", pipeline.toString(), "--metadata=" + tmp.resolve("validate-" + runner + ".db"));
      assertEquals(0, run.code, run.toString());
      assertTrue(run.out.contains("running pipeline penguins (4 nodes)") && run.out.contains(": SUCCEEDED in "),
          run.toString());
      List<String> beam = Files.readAllLines(classes).stream()
          .filter(l -> l.contains(" org.apache.beam.sdk.options.PipelineOptionsFactory ")
              || l.contains(" org.apache.beam.runners.direct.DirectRunner ")).toList();
      // The embedded default calls the components' DoFns and CombineFns in process; naming a runner
      // builds Beam's pipeline, and then both classes are loaded (this check can fail).
      assertEquals(runner.equals("DirectRunner") ? 2 : 0, beam.size(), (runner.isEmpty() ? "the embedded default"
          : runner) + " loaded " + beam);
      // In process, StatisticsGen takes the statistics ExampleGen computed as it wrote the examples (ADR 0013).
      var logFile = java.util.regex.Pattern.compile("log: (\\S+)").matcher(run.err);
      assertTrue(logFile.find(), run.toString());
      String log = read(home.resolve(logFile.group(1)));
      assertEquals(!runner.equals("DirectRunner"), log.contains("were computed as ExampleGen wrote them"),
          runner + ": " + log);
    }
  }

  /**
   * The class-data archive (libexec/class-data.bash): written as the first command of a kind exits,
   * kept by the next command only if that first command succeeded and the JVM can map it (an archive
   * cut short is deleted, not mapped: mapping one crashes the JVM), then mapped by later commands;
   * MILLRACE_CDS=0 turns it off.
   */
  @Test
  void theFirstSuccessfulCommandsClassesAreArchivedAndMappedByLaterCommands() throws Exception {
    Path dir = tmp.resolve("class-data");
    var env = java.util.Map.of("MILLRACE_CDS_DIR", dir.toString());
    // A failed command writes an archive too, unmarked: the next command deletes it and writes its own.
    Result typo = run(env, tmp.resolve("cds-typo.classes"), "--no-such-option");
    assertEquals(2, typo.code, typo.toString());
    assertEquals(List.of(), archives(dir, ".ok"), "a failed command's archive marked to keep");
    assertEquals(1, archives(dir, ".tmp").size(), "the archive written at exit: " + archives(dir, ""));
    Result first = run(env, tmp.resolve("cds-first.classes"), "--version");
    assertEquals(0, first.code, first.toString());
    assertEquals(List.of(), archives(dir, ".jsa"), "the failed command's archive kept");
    assertEquals(1, archives(dir, ".tmp").size(), archives(dir, "").toString());
    assertEquals(1, archives(dir, ".ok").size(), archives(dir, "").toString());

    Path mapped = tmp.resolve("cds-mapped.classes");
    Result second = run(env, mapped, "--version");
    assertEquals(0, second.code, second.toString());
    assertEquals(first.out, second.out);
    assertEquals(first.err, second.err, "the archive's flags print nothing");
    assertEquals(1, archives(dir, ".jsa").size(), archives(dir, "").toString());
    assertTrue(shared(mapped) > 100, "classes mapped from the archive: " + shared(mapped));
    // Mapped where it was written, without rewriting its pointers (-XX:ArchiveRelocationMode=0).
    Path cdsLog = tmp.resolve("cds-mapping.log");
    Result atItsAddress = run(java.util.Map.of("MILLRACE_CDS_DIR", dir.toString(), "MILLRACE_JAVA_OPTS",
        "-Xlog:cds=info:file=" + cdsLog), mapped, "--version");
    assertEquals(0, atItsAddress.code, atItsAddress.toString());
    String mapping = Files.readString(cdsLog);
    assertTrue(mapping.contains("Mapped dynamic region"), mapping);
    assertFalse(mapping.contains("alternative address"), mapping);
    assertEquals(List.of(), archives(dir, ".relocated"), "this JDK knows the flag");

    // An archive cut short (the JVM killed while writing it, marked as kept before that): checked, deleted,
    // and a new one written; the command itself runs as if there were none.
    Path kept = archives(dir, ".jsa").get(0);
    byte[] whole = Files.readAllBytes(kept);
    Path cut = Path.of(kept + ".999999999.tmp");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
    Files.write(Path.of(cut + ".ok"), new byte[0]);
    Files.delete(kept);
    Path afterCut = tmp.resolve("cds-cut.classes");
    Result third = run(env, afterCut, "--version");
    assertEquals(0, third.code, third.toString());
    assertEquals(first.out, third.out);
    assertEquals(List.of(), archives(dir, ".jsa"), "an archive cut short was kept");
    assertEquals(0, shared(afterCut), "classes mapped from an archive cut short");
    assertTrue(Files.notExists(cut), "the archive cut short is deleted");
    try (Stream<Path> files = Files.list(home)) {
      assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
    }
    Result fourth = run(env, tmp.resolve("cds-fourth.classes"), "--version");
    assertEquals(0, fourth.code, fourth.toString());
    assertEquals(1, archives(dir, ".jsa").size(), "a new archive kept: " + archives(dir, ""));

    Path off = tmp.resolve("cds-off.classes");
    Result none = run(java.util.Map.of("MILLRACE_CDS_DIR", dir.toString(), "MILLRACE_CDS", "0"), off, "--version");
    assertEquals(0, none.code, none.toString());
    assertEquals(0, shared(off), "classes mapped with MILLRACE_CDS=0");
  }

  /**
   * sqlite-jdbc's native library is copied once into millrace's cache and loaded from there by every
   * command, not extracted into the temporary directory on each start (which a killed JVM leaves
   * behind).
   */
  @Test
  void theSqliteLibraryIsLoadedFromTheCacheNotExtractedEachTime() throws Exception {
    Path xdg = tmp.resolve("xdg");
    Path temp = Files.createDirectories(tmp.resolve("java-tmp"));
    // An empty file SQLite takes for a new database (a command that only reads refuses a store that is not there).
    Files.createFile(tmp.resolve("sqlite-native.db"));
    for (int i = 1; i <= 2; i++) {
      Path libraries = tmp.resolve("libraries-" + i + ".log");
      Result r = run(java.util.Map.of("XDG_CACHE_HOME", xdg.toString(), "MILLRACE_CDS", "0", "MILLRACE_JAVA_OPTS",
          "-Xlog:library=info:file=" + libraries + " -Djava.io.tmpdir=" + temp), tmp.resolve("sqlite.classes"),
          "artifacts", "--metadata=" + tmp.resolve("sqlite-native.db"));
      assertEquals(0, r.code, r.toString());
      List<String> loaded = Files.readAllLines(libraries).stream().filter(l -> l.contains("Loaded library")
          && l.contains("sqlitejdbc")).toList();
      assertEquals(1, loaded.size(), loaded.toString());
      assertTrue(loaded.get(0).contains(xdg.resolve("millrace/native") + "/"), loaded.get(0));
    }
    try (Stream<Path> left = Files.list(temp)) {
      assertEquals(List.of(), left.filter(f -> f.getFileName().toString().contains("sqlite")).toList());
    }
  }

  /**
   * The commands that run pipelines get the throughput collector (ADR 0012), an option before the
   * command included; the others keep the JVM's default (G1); a collector named in
   * MILLRACE_JAVA_OPTS wins.
   */
  @Test
  void pipelineCommandsRunOnTheThroughputCollector() throws Exception {
    record Case(String expected, String opts, String... args) {}
    var cases = List.of(new Case("Parallel", "", "run", "missing.yaml"),
        new Case("Parallel", "", "--metadata", "run", "resume", "no-such-run"),
        new Case("Parallel", "", "-v", "backfill", "missing.yaml", "--spans", "1..2"),
        new Case("G1", "", "artifacts"), new Case("G1", "", "--metadata", "run", "runs"),
        new Case("G1", "", "serve", "--help"),
        new Case("Serial", "-XX:+UseSerialGC", "run", "missing.yaml"));
    int i = 0;
    for (Case c : cases) {
      Path log = tmp.resolve("gc-" + i++ + ".log");
      Result r = run(java.util.Map.of("MILLRACE_CDS", "0", "MILLRACE_JAVA_OPTS",
          (c.opts + " -Xlog:gc=info:file=" + log).trim()), tmp.resolve("gc.classes"), c.args);
      assertTrue(r.code == 0 || r.code == 2, r.toString());
      String using = Files.readAllLines(log).stream().filter(l -> l.contains("Using ")).findFirst().orElse("");
      assertTrue(using.endsWith("Using " + c.expected), String.join(" ", c.args) + ": " + using);
    }
  }

  /**
   * A class path with a class folder (the source tree's launcher after a build that stopped before
   * the jars) gets no archive: the JVM refuses to write one then, and the command would fail as it
   * exits. With jars only, the archive flags are set.
   */
  @Test
  void aClassPathWithAClassFolderGetsNoArchive() throws Exception {
    Path classes = Files.createDirectories(tmp.resolve("folder/classes/org"));
    Files.writeString(classes.resolve("A.class"), "not empty");
    String jars = home.resolve("lib") + "/*";
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (var classpath : List.of(jars, jars + ":" + classes.getParent())) {
      var pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source \"$1\"; millrace_class_data \"$2\" \"$3\" run;"
          + " echo \"${#class_data_flags[@]}\"", "test", home.resolve("libexec/class-data.bash").toString(), java,
          classpath).redirectErrorStream(true);
      pb.environment().put("MILLRACE_CDS_DIR", tmp.resolve("folder/cds").toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, p.waitFor(), out);
      assertEquals(classpath.equals(jars) ? "3" : "0", out, classpath);
    }
  }

  /**
   * A JVM that refuses -XX:ArchiveRelocationMode when the archive is checked (a JDK that dropped the
   * diagnostic flag; here a java that exits on it) still keeps and maps the archive, without the flag.
   */
  @Test
  void aJvmThatRefusesTheFixedAddressMapsTheArchiveWithoutIt() throws Exception {
    Path jdk = Files.createDirectories(tmp.resolve("jdk-strict/bin")).getParent();
    Path realHome = Path.of(System.getProperty("java.home"));
    Path fake = jdk.resolve("bin/java");
    Files.writeString(fake, "#!/bin/bash\nfor a in \"$@\"; do\n  case \"$a\" in *ArchiveRelocationMode*)"
        + " echo \"Unrecognized VM option '${a#-XX:}'\" >&2; exit 1 ;; esac\ndone\nexec " + realHome.resolve("bin/java")
        + " \"$@\"\n");
    fake.toFile().setExecutable(true);
    Files.copy(realHome.resolve("release"), jdk.resolve("release"));
    Files.createSymbolicLink(jdk.resolve("lib"), realHome.resolve("lib"));
    Path dir = tmp.resolve("strict-cds");
    var env = java.util.Map.of("JAVA_HOME", jdk.toString(), "MILLRACE_CDS_DIR", dir.toString());
    for (int i = 0; i < 2; i++) { // the first writes the archive, the second checks and keeps it
      Result r = run(env, tmp.resolve("strict-" + i + ".classes"), "--version");
      assertEquals(0, r.code, r.toString());
    }
    assertEquals(1, archives(dir, ".jsa").size(), archives(dir, "").toString());
    assertEquals(1, archives(dir, ".relocated").size(), archives(dir, "").toString());
    Path mapped = tmp.resolve("strict-mapped.classes");
    Result r = run(env, mapped, "--version");
    assertEquals(0, r.code, r.toString());
    assertTrue(shared(mapped) > 100, "classes mapped from the archive: " + shared(mapped));
  }

  /** A JDK older than 17, known by its release file (no JVM started to ask it), is refused by name. */
  @Test
  void anOlderJdkIsRefusedByItsReleaseFile() throws Exception {
    Path jdk = Files.createDirectories(tmp.resolve("jdk-11/bin"));
    Path fake = jdk.resolve("java");
    Files.writeString(fake, "#!/bin/sh\necho 'this JVM was started' >&2\nexit 1\n");
    fake.toFile().setExecutable(true);
    Files.writeString(jdk.resolveSibling("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.2\"\n");
    Result old = run(java.util.Map.of("JAVA_HOME", jdk.getParent().toString()), tmp.resolve("jdk-11.classes"),
        "--version");
    assertEquals(3, old.code, old.toString());
    assertEquals("millrace: " + fake + " is Java 11; millrace expected Java 17 or newer (set JAVA_HOME)\n", old.err);
  }

  /** The files in the class-data directory whose names end with {@code suffix}. */
  private static List<Path> archives(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  /** Classes of the application class path that a class-load log shows mapped from the dynamic archive. */
  private static long shared(Path classLog) throws IOException {
    return Files.readAllLines(classLog).stream().filter(l -> l.contains("source: shared objects file (top)")).count();
  }

  @Test
  void parquetIsReadWithoutHadoopWhichTheTarballDoesNotShip() throws Exception {
    try (Stream<Path> jars = Files.walk(home.resolve("lib"), 1)) {
      assertEquals(List.of(), jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hadoop-")).toList(),
          "Hadoop's jars in lib/ (they belong to lib/spark/ only)");
    }
    // A user's own Parquet file (ZSTD-compressed, written here through ParquetFiles): init, then the pipeline it writes.
    MessageType type = MessageTypeParser.parseMessageType("message m { required double bill; optional binary"
        + " island (STRING); required int32 year; required binary species (STRING); }");
    Path data = Files.createDirectories(tmp.resolve("lake")).resolve("penguins.parquet");
    var factory = new SimpleGroupFactory(type);
    try (ParquetWriter<Group> w = ParquetFiles.groupWriter(data, type, CompressionCodecName.ZSTD)) {
      for (int i = 0; i < 400; i++) {
        Group g = factory.newGroup();
        int species = i % 3;
        g.add("bill", 35.0 + species * 6 + (i * 37 % 17) / 10.0);
        if (i % 11 != 0) {
          g.add("island", species == 0 ? "Torgersen" : "Biscoe");
        }
        g.add("year", 2007 + i % 3);
        g.add("species", List.of("Adelie", "Gentoo", "Chinstrap").get(species));
        w.write(g);
      }
    }
    Path pipeline = tmp.resolve("parquet-pipeline.yaml");
    Result init = run(tmp.resolve("init.classes"), "init", data.toString(), "--out", pipeline.toString());
    assertEquals(0, init.code, init.toString());
    assertTrue(init.out.contains("400 rows, 4 columns (parquet)"), init.toString());
    Path classes = tmp.resolve("parquet.classes");
    Result run = run(classes, "run", pipeline.toString(), "--metadata=" + tmp.resolve("parquet.db"));
    assertEquals(0, run.code, run.toString());
    assertTrue(run.out.contains(": SUCCEEDED in "), run.toString());
    for (Path log : List.of(tmp.resolve("init.classes"), classes)) {
      List<String> loaded = Files.readAllLines(log);
      assertTrue(loaded.stream().anyMatch(l -> l.contains(" org.apache.parquet.hadoop.ParquetFileReader ")),
          "the Parquet reader is loaded (" + log + ")");
      assertEquals(List.of(), loaded.stream().filter(l -> l.contains(" org.apache.hadoop.")).limit(5).toList(),
          "classes of Hadoop loaded reading Parquet (" + log + ")");
    }
  }

  @Test
  void aSparkRunnerPipelineGetsLibSpark() throws Exception {
    Path pipeline = tmp.resolve("penguins-spark.yaml");
    String yaml = Files.readString(home.resolve("pipelines/examples/penguins/pipeline.yaml"))
        .replace("pipeline_root: .millrace/pipelines/penguins", "pipeline_root: .millrace/pipelines/penguins-spark")
        + "beam_pipeline_args: [\"--runner=SparkRunner\", \"--sparkMaster=local[1]\"]\n";
    Files.writeString(pipeline, yaml);
    Path classes = tmp.resolve("spark.classes");
    Result run = run(classes, "run", pipeline.toString(), "--only", "ingest", "--metadata=" + tmp.resolve("spark.db"));
    assertEquals(0, run.code, run.toString());
    assertTrue(run.out.contains(": SUCCEEDED in "), run.toString());
    List<String> loaded = Files.readAllLines(classes);
    assertTrue(loaded.stream().anyMatch(l -> l.contains(" org.apache.spark.SparkContext ") && l.contains("/lib/spark/")),
        "SparkContext loaded from lib/spark/");
  }

  private record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  @Test
  void theJavaDslExampleRunsAsTheDocsSay() throws Exception {
    // docs/pipelines.md, "The Java DSL": the example as a single source file, with the tarball's flags and jars.
    Path out = Files.createTempFile(tmp, "dsl", ".txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@conf/jvm.options", "-cp", "lib/*", "pipelines/examples/dsl/PenguinsPipeline.java").directory(home.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "still running: " + read(out));
    String printed = read(out);
    assertEquals(0, p.exitValue(), printed);
    // (CACHED when another test ran the YAML pipeline here first: the same nodes, the same cache keys.)
    assertTrue((printed.contains("schema COMPLETE") || printed.contains("schema CACHED"))
        && printed.contains(": SUCCEEDED"), printed);
    // Recorded in the store bin/millrace reads, as a YAML pipeline's run is.
    Result runs = run(tmp.resolve("dsl-runs.classes"), "runs");
    assertEquals(0, runs.code, runs.toString());
    assertTrue(runs.out.contains("penguins-dsl") && runs.out.contains("SUCCEEDED"), runs.toString());
  }

  /**
   * The DAG {@code airflow export} writes from an install runs the install's launcher: it named the
   * source tree's {@code ./millrace} in the working directory, which an install does not have (every
   * task would fail). A bad {@code --out} is one line, exit 2 (it was a stack trace, exit 3).
   */
  @Test
  void anAirflowDagExportedFromTheInstallRunsItsLauncher() throws Exception {
    Path dags = tmp.resolve("dags");
    Result export = run(tmp.resolve("airflow.classes"), "airflow", "export", "pipelines/examples/penguins/pipeline.yaml",
        "--out", dags.toString());
    assertEquals(0, export.code, export.toString());
    assertEquals("", export.err, export.toString());
    String dag = Files.readString(dags.resolve("millrace_penguins.py"));
    assertTrue(dag.contains("MILLRACE = \"" + home.resolve("bin/millrace") + "\""), dag);
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Result bad = run(tmp.resolve("airflow-bad.classes"), "airflow", "export", "pipelines/examples/penguins/pipeline.yaml",
        "--out", file.toString());
    assertEquals(2, bad.code, bad.toString());
    assertEquals("error: --out expected a directory it can write to (Airflow's dags folder), got " + file + ": a file",
        bad.err.strip(), bad.toString());
  }

  /** {@code bin/millrace args} from the unpacked folder, with a JDK and {@link #tools} only. */
  private static Result run(Path classLog, String... args) throws Exception {
    return run(java.util.Map.of(), classLog, args);
  }

  /** {@link #run(Path, String...)} with more environment variables. */
  private static Result run(java.util.Map<String, String> moreEnv, Path classLog, String... args) throws Exception {
    var command = new java.util.ArrayList<String>();
    command.add(home.resolve("bin/millrace").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    var env = pb.environment();
    env.clear();
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + tools);
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    env.put("MILLRACE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog);
    env.putAll(moreEnv);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("bin/millrace " + String.join(" ", args) + " still running after 5 minutes\n" + read(err));
    }
    return new Result(p.exitValue(), read(out), read(err));
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
