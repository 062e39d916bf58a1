package org.millrace.pipelines.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.pipelines.cli.InProcess.Out;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

/** Range-checked CLI arguments, --help on every command, and writers that never hold output back. */
class CliArgumentsTest {
  @TempDir
  Path dir;

  Out run(String... args) {
    return InProcess.run(dir.resolve("md.db"), args);
  }

  @Test
  void integersAreParsedExactlyAndCheckedAgainstTheirRange() {
    assertEquals(1, Ranges.integer("1", 1, Integer.MAX_VALUE));
    assertEquals(Integer.MAX_VALUE, Ranges.integer("2147483647", 1, Integer.MAX_VALUE));
    for (String bad : List.of("4294967297", "2147483648", "0", "-1", "1.5", "1e3", "x", "99999999999999999999999")) {
      var e = assertThrows(TypeConversionException.class, () -> Ranges.integer(bad, 1, Integer.MAX_VALUE));
      assertTrue(e.getMessage().contains("[1, 2147483647]") && e.getMessage().contains(bad), e.getMessage());
    }
    assertEquals(0.5, Ranges.positive("0.5", 10));
    assertThrows(TypeConversionException.class, () -> Ranges.positive("0", 10));
    assertThrows(TypeConversionException.class, () -> Ranges.positive("NaN", 10));
    assertThrows(TypeConversionException.class, () -> Ranges.positive("10.01", 10));
    assertEquals(0.0, Ranges.nonNegative("0", 10));
    assertThrows(TypeConversionException.class, () -> Ranges.nonNegative("-0.1", 10));
  }

  @Test
  void outOfRangeOptionsAreUsageErrorsNamingTheOptionAndTheRange() {
    String[][] cases = {
        {"models rollback penguins --reason r --to", "4294967297", "[1, 2147483647]"},
        {"models rollback penguins --reason r --to", "0", "[1, 2147483647]"},
        {"gc p.yaml --keep-runs", "0", "[1, 2147483647]"},
        {"gc p.yaml --min-age-days", "-1", ">= 0"},
        {"serve --port", "65536", "[0, 65535]"},
        {"serve --threads", "0", "[1, 2147483647]"},
        {"serve --max-rows", "-5", "[1, 2147483647]"},
        {"serve --max-request-bytes", "4294967296", "[1, 2147483647]"},
        {"serve --poll-seconds", "0", "> 0"},
        {"ui --port", "-1", "[0, 65535]"},
        {"run p.yaml --parallelism", "0", "[1, 2147483647]"},
        {"backfill p.yaml --spans 1..2 --parallelism", "4294967297", "[1, 2147483647]"},
        {"schedule p.yaml --cron @daily --max-runs", "-1", "[0, 2147483647]"},
        {"schedule p.yaml --cron @daily --parallelism", "0", "[1, 2147483647]"},
        {"lineage 1 --hops", "0", "[1, 2147483647]"},
        {"artifacts --limit", "0", "[1, 2147483647]"},
        {"airflow trigger d --url http://x --poll-seconds", "-1", "> 0"},
        {"airflow trigger d --url http://x --timeout-minutes", "0", "> 0"},
    };
    for (String[] c : cases) {
      var args = new ArrayList<>(List.of(c[0].split(" ")));
      String option = args.get(args.size() - 1);
      args.add(c[1]);
      Out r = run(args.toArray(String[]::new));
      assertEquals(2, r.code(), String.join(" ", args) + "\n" + r);
      assertTrue(r.err().contains("'" + option + "'") && r.err().contains(c[2]) && r.err().contains(c[1]),
          String.join(" ", args) + "\n" + r.err());
    }
  }

  @Test
  void everyCommandAnswersHelp() {
    var commands = new ArrayList<List<String>>();
    collect(MillraceCli.commandLine(), new ArrayList<>(), commands);
    assertTrue(commands.size() > 20, commands.toString());
    for (List<String> c : commands) {
      var args = new ArrayList<>(c);
      args.add("--help");
      Out r = run(args.toArray(String[]::new));
      assertEquals(0, r.code(), c + "\n" + r);
      assertTrue(r.out().startsWith("Usage: millrace " + String.join(" ", c)), r.out());
      assertTrue(r.out().contains("-h, --help") && r.out().contains("-V, --version"), r.out());
    }
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    cl.getSubcommands().forEach((name, sub) -> {
      var p = new ArrayList<>(path);
      p.add(name);
      out.add(p);
      collect(sub, p, out);
    });
  }

  @Test
  void printWithoutNewlineReachesTheStreamAtOnce() {
    var bytes = new ByteArrayOutputStream();
    PrintWriter w = Console.flushing(bytes, StandardCharsets.UTF_8);
    w.print("a table\nwithout a final flush");
    assertEquals("a table\nwithout a final flush", bytes.toString(StandardCharsets.UTF_8));
  }
}
