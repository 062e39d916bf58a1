package org.millrace.api.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.api.artifact.Blessing;
import org.millrace.api.registry.RegistryEntry;
import org.millrace.api.registry.RegistryIndex;

/**
 * {@code blessing.json} ({@link Blessing}) and {@code registry.json} ({@link RegistryIndex}), the
 * two formats owned in components/api before the others moved there: their bytes pinned by golden
 * files like the rest, read back equal, and a bad file named in the error.
 */
class BlessingAndRegistryGoldenTest {
  @TempDir
  Path dir;

  static Blessing blessing() {
    return new Blessing(false, "/root/trainer/model/6", "/root/trainer/model/3", "bless_if_no_baseline", "evaluator",
        "accuracy on Overall 0.81 < lower bound 0.9", List.of(
            new Blessing.Check("accuracy", "Overall", "lower", 0.81, 0.9, null, "fail", "0.81 < lower bound 0.9"),
            new Blessing.Check("accuracy", "Overall", "change_absolute", 0.81, -0.02, 0.85, "fail",
                "-0.04 < -0.02 against the baseline"),
            new Blessing.Check("auc", "island=Dream", "lower", null, 0.5, null, "skipped", "no examples")));
  }

  static RegistryIndex registry() {
    return new RegistryIndex("penguins", List.of(
        new RegistryEntry(1, "/root/trainer/model/3", "sha256:" + "ab".repeat(32), "2026-12-05T01:00:00Z", "pushed",
            null, true),
        new RegistryEntry(2, "/root/trainer/model/6", "sha256:" + "cd".repeat(32), "2026-12-05T02:00:00Z", "pushed",
            null, false),
        new RegistryEntry(3, "/root/trainer/model/3", "sha256:" + "ab".repeat(32), "2026-12-05T03:00:00Z",
            "rollback to 1", 1, false)));
  }

  @Test
  void blessingWritesTheGoldenFileAndReadsItBack() throws Exception {
    blessing().write(dir);
    Golden.assertSameBytes(Golden.dir("blessing").resolve(Blessing.FILE), dir.resolve(Blessing.FILE));
    assertEquals(blessing(), Blessing.read(Golden.dir("blessing")));
    assertEquals(2, Blessing.read(Golden.dir("blessing")).failedChecks().size());
  }

  @Test
  void registryWritesTheGoldenFileAndReadsItBack() throws Exception {
    registry().write(dir);
    Golden.assertSameBytes(Golden.dir("registry").resolve(RegistryIndex.FILE), dir.resolve(RegistryIndex.FILE));
    assertEquals(Optional.of(registry()), RegistryIndex.read(Golden.dir("registry")));
    assertEquals(Optional.empty(), RegistryIndex.read(dir.resolve("nothing-published")));
  }

  @Test
  void aBadFileIsNamedWithWhatWasExpected() throws Exception {
    Files.writeString(dir.resolve(Blessing.FILE), "{\"blessed\": \"maybe\"}");
    var e = assertThrows(UncheckedIOException.class, () -> Blessing.read(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(Blessing.FILE) + " expected a blessing JSON file"), e.getMessage());
    Files.writeString(dir.resolve(RegistryIndex.FILE), "[1, 2]");
    e = assertThrows(UncheckedIOException.class, () -> RegistryIndex.read(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve(RegistryIndex.FILE) + " expected a registry index"),
        e.getMessage());
  }
}
