package org.millrace.api.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** blessing.json has one owner: what it writes, it reads back; its keys come in one order. */
class BlessingTest {
  @TempDir
  Path dir;

  @Test
  void writtenBlessingsReadBackWithTheirKeysInOneOrder() throws Exception {
    var check = new Blessing.Check("accuracy", "Overall", "lower", 0.8, 0.9, null, "fail", "0.8 < 0.9");
    var evaluator = new Blessing(false, "/m/2", "/m/1", null, "evaluator", "1 check(s) failed", List.of(check));
    evaluator.write(dir.resolve("a"));
    assertEquals(evaluator, Blessing.read(dir.resolve("a")));
    assertEquals(List.of(check), Blessing.read(dir.resolve("a")).failedChecks());
    var manual = new Blessing(true, "/m/3", null, null, "manual", "hotfix", "2026-12-04T19:00:00Z", List.of());
    manual.write(dir.resolve("b"));
    assertEquals(manual, Blessing.read(dir.resolve("b")));
    String json = Files.readString(dir.resolve("b").resolve(Blessing.FILE));
    List<String> keys = List.of("\"blessed\"", "\"model\"", "\"baseline_model\"", "\"first_run\"", "\"decision\"",
        "\"reason\"", "\"decided_at\"", "\"checks\"");
    for (int i = 1; i < keys.size(); i++) {
      assertTrue(json.indexOf(keys.get(i - 1)) < json.indexOf(keys.get(i)), keys.get(i - 1) + " before " + keys.get(i)
          + " in " + json);
    }
  }

  @Test
  void aFileThatIsNoBlessingIsAnErrorNamingIt() throws Exception {
    Files.writeString(dir.resolve(Blessing.FILE), "[1, 2]");
    var e = assertThrows(UncheckedIOException.class, () -> Blessing.read(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(Blessing.FILE) + " expected a blessing JSON file"), e.getMessage());
  }
}
