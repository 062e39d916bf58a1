package org.millrace.e2e;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package map of docs/adr/0007-module-map.md, checked on the compiled classes of
 * every module (ArchUnit) and on the modules' poms: the arrows only point the way the map shows.
 */
class ArchitectureTest {
  /** Packages of the components: they see Beam's SDK and components/api, never the platform. */
  private static final String[] COMPONENTS = {
    "org.millrace.api..", "org.millrace.ingest..", "org.millrace.validate..", "org.millrace.transform..",
    "org.millrace.trainer..", "org.millrace.evaluator..", "org.millrace.pusher.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.millrace");
    assertTrue(classes.size() > 300, "expected the classes of every module on the test classpath, got " + classes.size());
  }

  @Test
  void componentsNeverNameThePlatform() {
    noClasses().that().resideInAnyPackage(COMPONENTS)
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.millrace.pipelines..", "org.millrace.metadata..", "org.millrace.serving..")
        .because("components are functions of inputs, outputs and parameters; the platform records them")
        .check(classes);
  }

  @Test
  void onlyTheSparkLauncherNamesSparkAndNoComponentNamesABeamRunner() {
    noClasses().that().resideInAnyPackage(COMPONENTS).and().resideOutsideOfPackage("org.millrace.trainer.spark..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.beam.runners..")
        .because("runners and Spark are chosen by the assembled application at run time")
        .check(classes);
    noClasses().that().resideInAnyPackage("org.millrace.pipelines..", "org.millrace.serving..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.beam.runners..")
        .check(classes);
  }

  @Test
  void trainedModelsAreReadWithoutTheTransformComponentOrTheTrainerInTheEvaluator() {
    noClasses().that().resideInAnyPackage("org.millrace.trainer..", "org.millrace.serving..", "org.millrace.evaluator..")
        .should().dependOnClassesThat(resideInAPackage("org.millrace.transform..")
            .and(not(resideInAPackage("org.millrace.transform.graph.."))))
        .because("the transform graph (apply only) is its own module; fitting it is the Transform component's job")
        .check(classes);
    noClasses().that().resideInAPackage("org.millrace.evaluator..")
        .should().dependOnClassesThat().resideInAPackage("org.millrace.trainer..")
        .because("the evaluator opens models through PredictorLoader (components/api), found at run time")
        .check(classes);
    noClasses().that().resideInAPackage("org.millrace.transform.graph..")
        .should().dependOnClassesThat(resideInAPackage("org.millrace.transform..")
            .and(not(resideInAPackage("org.millrace.transform.graph.."))))
        .orShould().dependOnClassesThat().resideInAPackage("org.apache.beam..")
        .check(classes);
  }

  @Test
  void theTrainersPackagesLayerOneWay() {
    noClasses().that().resideInAPackage("org.millrace.trainer.nn..")
        .should().dependOnClassesThat().resideInAnyPackage("org.millrace.trainer.fit..", "org.millrace.trainer.component..")
        .because("the fit loop drives the networks; layers and networks know nothing of it")
        .check(classes);
  }

  @Test
  void theLibraryNeverNamesTheApplication() {
    noClasses().that().resideInAPackage("org.millrace.pipelines..").and().resideOutsideOfPackage("org.millrace.pipelines.cli..")
        .should().dependOnClassesThat(resideInAnyPackage("org.millrace.pipelines.cli..", "picocli..", "me.tongfei..")
            .or(resideInAPackage("org.slf4j.simple..")))
        .because("pipelines is the library (spec, compiler, launcher, runner); cli is the application")
        .check(classes);
  }

  @Test
  void packagesFormNoCycles() {
    slices().matching("org.millrace.(**)").should().beFreeOfCycles()
        .ignoreDependency(resideInAPackage("org.millrace.pipelines.cli.airflow.client.."), resideInAPackage(".."))
        .check(classes);
  }

  /** Compile-scope dependencies of each module, read from its pom. */
  @Test
  void modulesDeclareOnlyTheDependenciesTheMapAllows() throws Exception {
    Path root = repositoryRoot();
    Map<String, List<String>> compile = new TreeMap<>();
    for (String module : List.of("components/api", "components/ingest", "components/validate", "components/transform",
        "components/transform-graph", "components/trainer", "components/trainer-spark", "components/evaluator",
        "components/pusher", "serving", "pipelines")) {
      compile.put(module, compileDependencies(root.resolve(module).resolve("pom.xml")));
    }
    var violations = new ArrayList<String>();
    compile.forEach((module, deps) -> {
      for (String d : deps) {
        boolean runnerOrSpark = d.startsWith("beam-runners-") || d.startsWith("spark-") || d.equals("javax.servlet-api");
        if (d.equals("millrace-metadata-store") && module.startsWith("components/")) {
          violations.add(module + " depends on the metadata store");
        }
        if (runnerOrSpark && !(module.equals("components/trainer-spark") && d.startsWith("spark-core"))) {
          violations.add(module + " declares " + d + " at compile scope (runners and Spark belong to the application, at run time)");
        }
        if (d.equals("millrace-transform") && !module.equals("components/transform")) {
          violations.add(module + " depends on the whole transform component (it needs millrace-transform-graph)");
        }
        if (d.equals("millrace-trainer") && module.equals("components/evaluator")) {
          violations.add("components/evaluator depends on the trainer (models load through PredictorLoader)");
        }
        if (d.startsWith("slf4j-simple") || d.equals("picocli")) {
          violations.add(module + " declares " + d + " (only the cli application picks a logger and a command parser)");
        }
      }
    });
    assertEquals(List.of(), violations);
  }

  /** Directories of every module's main Java sources. */
  private static List<Path> mainSourceRoots() throws Exception {
    Path root = repositoryRoot();
    var roots = new ArrayList<Path>();
    for (String parent : List.of(".", "components")) {
      try (var modules = Files.list(root.resolve(parent))) {
        for (Path module : modules.sorted().toList()) {
          Path src = module.resolve("src/main/java");
          if (Files.isDirectory(src)) {
            roots.add(src);
          }
        }
      }
    }
    assertTrue(roots.size() > 10, "expected the main sources of every module, got " + roots);
    return roots;
  }

  /** Every package says what it is in a package-info.java (STYLE.md). */
  @Test
  void everyPackageHasAPackageInfo() throws Exception {
    var missing = new ArrayList<String>();
    for (Path src : mainSourceRoots()) {
      try (var dirs = Files.walk(src)) {
        for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
          boolean hasJava;
          try (var files = Files.list(dir)) {
            hasJava = files.anyMatch(f -> f.toString().endsWith(".java"));
          }
          if (hasJava && !Files.exists(dir.resolve("package-info.java"))) {
            missing.add(repositoryRoot().relativize(dir).toString());
          }
        }
      }
    }
    assertEquals(List.of(), missing, "packages without a package-info.java");
  }

  /**
   * Task, input format and trainer backend are enums (org.millrace.api.model.Task,
   * org.millrace.api.data.InputFormat, org.millrace.trainer.component.BackendChoice) parsed once;
   * no code compares their spellings as strings. HTML is escaped by org.millrace.api.html.Html only.
   */
  @Test
  void enumsAndTheHtmlEscapeHaveOneOwner() throws Exception {
    Pattern spelling = Pattern.compile("equals\\(\"(classification|regression|csv|jsonl|arrow|parquet|opencl|opencl_gpu"
        + "|opencl_cpu)\"\\)|\"(classification|regression|csv|jsonl|arrow|parquet|opencl)\"\\.equals");
    Pattern escape = Pattern.compile("\"&lt;\"|'<' ->");
    var allowed = List.of("org/millrace/api/html/Html.java");
    var found = new ArrayList<String>();
    for (Path src : mainSourceRoots()) {
      try (var files = Files.walk(src)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          String rel = src.relativize(f).toString().replace('\\', '/');
          if (allowed.contains(rel)) {
            continue;
          }
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            if (spelling.matcher(lines.get(i)).find() || escape.matcher(lines.get(i)).find()) {
              found.add(rel + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
          }
        }
      }
    }
    assertEquals(List.of(), found, "string comparisons of an enum's spelling, or HTML escaping outside api.html.Html");
  }

  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
  private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");
  private static final Pattern SCOPE = Pattern.compile("<scope>([^<]+)</scope>");

  static List<String> compileDependencies(Path pom) throws Exception {
    String xml = Files.readString(pom).replaceAll("(?s)<!--.*?-->", "");
    int start = xml.indexOf("<dependencies>", xml.indexOf("</parent>"));
    int managed = xml.indexOf("<dependencyManagement>");
    assertTrue(start >= 0 && (managed < 0 || managed > start), pom + ": expected a <dependencies> section");
    String deps = xml.substring(start, xml.indexOf("</dependencies>", start));
    var out = new ArrayList<String>();
    Matcher m = DEPENDENCY.matcher(deps);
    while (m.find()) {
      Matcher a = ARTIFACT.matcher(m.group(1));
      Matcher s = SCOPE.matcher(m.group(1));
      assertTrue(a.find(), pom + ": a dependency without an artifactId");
      String scope = s.find() ? s.group(1) : "compile";
      if (scope.equals("compile") || scope.equals("provided")) {
        out.add(a.group(1).replace("_${scala.binary.version}", ""));
      }
    }
    return out;
  }

  private static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("millrace"))) {
      p = p.getParent();
    }
    assertTrue(p != null, "expected to run inside the repository (no ./millrace launcher above " + Path.of("").toAbsolutePath() + ")");
    return p;
  }
}
