package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the first {@code ./millrace run} downloads and loads is the application's run-time class
 * path ({@code cli/target/runtime-classpath.txt}, written by this build): it must hold no jar of
 * Spark, Scala, Beam's Spark runner or Beam's Hadoop filesystem, which belong to the Spark half
 * ({@code cli-spark/}) that the launcher adds only when a command asks for Spark or a Hadoop
 * filesystem (docs/distribution.md).
 */
class EmbeddedDefaultClasspathTest {
  private static final Pattern SPARK_HALF = Pattern.compile(
      "(spark-[a-z-]+_2\\.1[23]|scala-(library|reflect)|beam-runners-spark-3|millrace-trainer-spark|rocksdbjni"
          + "|beam-sdks-java-io-hadoop-file-system)-.*\\.jar");

  @Test
  void theEmbeddedDefaultHasNoSparkAndTheSparkHalfHasIt() throws Exception {
    Path repo = MillraceProcess.repositoryRoot();
    List<String> cli = jars(repo.resolve("cli/target/runtime-classpath.txt"));
    List<String> spark = jars(repo.resolve("cli-spark/target/runtime-classpath.txt"));
    assertTrue(cli.stream().anyMatch(j -> j.startsWith("beam-runners-direct-java-")), cli.toString());
    assertEquals(List.of(), cli.stream().filter(j -> SPARK_HALF.matcher(j).matches()).toList(),
        "Spark-half jars on the embedded default's class path");
    for (String expected : List.of("spark-core_2.12-", "beam-runners-spark-3-", "millrace-trainer-spark-",
        "beam-sdks-java-io-hadoop-file-system-")) {
      assertTrue(spark.stream().anyMatch(j -> j.startsWith(expected)), expected + " in the Spark half: " + spark);
    }
    // Both launchers put the Spark half after the application: a jar both name must be one version.
    Map<String, String> cliVersions = versions(repo.resolve("cli/target/runtime-classpath.txt"));
    var differ = new ArrayList<String>();
    versions(repo.resolve("cli-spark/target/runtime-classpath.txt")).forEach((artifact, version) -> {
      if (cliVersions.containsKey(artifact) && !cliVersions.get(artifact).equals(version)) {
        differ.add(artifact + " " + cliVersions.get(artifact) + " vs " + version);
      }
    });
    assertEquals(List.of(), differ, "jars at another version in the Spark half");
  }

  /** Local-repository jars by their artifact's folder (group/artifact), with their version. */
  private static Map<String, String> versions(Path classpath) throws Exception {
    var out = new TreeMap<String, String>();
    for (String e : Files.readString(classpath).strip().split(java.io.File.pathSeparator)) {
      Path p = Path.of(e);
      if (!e.contains("/target/") && p.getNameCount() > 3) {
        out.put(p.getParent().getParent().toString(), p.getParent().getFileName().toString());
      }
    }
    return out;
  }

  private static List<String> jars(Path classpath) throws Exception {
    assertTrue(Files.isRegularFile(classpath), classpath + ": build with mvn package first");
    return Arrays.stream(Files.readString(classpath).strip().split(java.io.File.pathSeparator))
        .map(e -> Path.of(e).getFileName().toString()).toList();
  }
}
