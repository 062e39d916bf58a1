package org.millrace.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.millrace.metadata.Artifact;
import org.millrace.metadata.ArtifactAndEvent;
import org.millrace.metadata.ArtifactQuery;
import org.millrace.metadata.ArtifactState;
import org.millrace.metadata.Context;
import org.millrace.metadata.Execution;
import org.millrace.metadata.ExecutionQuery;
import org.millrace.metadata.ExecutionState;
import org.millrace.metadata.MetadataStore;
import org.millrace.metadata.MetadataStores;

/**
 * The rules of the code that deletes data ({@code millrace gc}), through the real launcher: an
 * artifact whose files lie outside the pipeline root is never deleted, nor one whose path inside
 * the root is a symbolic link to outside; a symbolic link inside a deleted artifact goes, what it
 * points to stays; an artifact another pipeline's run used stays; a file gc cannot delete is
 * reported with its path, the artifact stays marked (not recorded as deleted), the others are
 * still collected, the exit code says so, and the next gc finishes the job.
 */
class GcSafetyIT {
  @TempDir
  Path dir;

  private MillraceProcess cli() {
    return new MillraceProcess(dir.resolve("logs"));
  }

  private Path pipeline(String name, Path root) throws Exception {
    String csv = MillraceProcess.repositoryRoot().resolve("examples/data/penguins/penguins.csv").toString();
    String yaml = "pipeline: " + name + "\npipeline_root: " + root + "\nnodes:\n"
        + "  ingest:\n    component: ExampleGen\n    parameters:\n      input: " + csv + "\n"
        + "  statistics:\n    component: StatisticsGen\n    inputs: {examples: ingest.examples}\n";
    return Files.writeString(dir.resolve(name + ".yaml"), yaml);
  }

  private MetadataStore store() {
    return MetadataStores.sqlite(dir.resolve("logs/metadata.db"));
  }

  private void ok(String... args) throws Exception {
    MillraceProcess.Result r = cli().run(args);
    assertEquals(0, r.code(), String.join(" ", args) + "\n" + r);
  }

  private static Path write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  /** Makes {@code d} a directory whose entries cannot be deleted, even by root (which ignores permissions). */
  private static void lock(Path d, boolean locked) throws Exception {
    if (locked) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    if ("root".equals(System.getProperty("user.name"))) {
      Process p = new ProcessBuilder("chattr", locked ? "+i" : "-i", d.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), "chattr on " + d + " (running as root, permissions alone bind nothing): " + out);
    }
    if (!locked) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void gcDeletesOnlyWhatIsItsOwnAndReportsWhatItCouldNotDelete() throws Exception {
    Path root = dir.resolve("root");
    Path a = pipeline("gcsafe", root);
    Path b = pipeline("gcother", dir.resolve("root-other"));
    ok("run", a.toString());
    // The other pipeline's identical nodes hit the cache: its run uses the first run's artifacts.
    ok("run", b.toString());
    ok("run", a.toString(), "--no-cache");

    Path outside = write(dir.resolve("outside/data/part-0"), "not millrace's").getParent();
    Path target = write(dir.resolve("outside/target/precious.txt"), "reached through a link");
    Path linked = root.resolve("ingest/linked-artifact");
    Files.createSymbolicLink(linked, target.getParent());
    // Two more of the pipeline's artifacts under its root, for gc to delete: one holds a directory
    // gc cannot delete, the next a link to a directory outside the root.
    Path old1 = write(root.resolve("ingest/examples/old-1/Split-train/part-0"), "old rows").getParent().getParent();
    Path old2 = write(root.resolve("statistics/statistics/old-2/stats.json"), "{}").getParent();
    Artifact examples1;
    Artifact statistics1;
    Artifact outsideArtifact;
    Artifact linkArtifact;
    Artifact undeletable;
    Artifact withLink;
    try (MetadataStore store = store()) {
      List<Artifact> arts = new ArrayList<>(store.getArtifacts(ArtifactQuery.builder().build()));
      arts.sort(Comparator.comparing(Artifact::id));
      assertEquals(4, arts.size(), "two runs of two nodes, the other pipeline's run cached: " + arts);
      examples1 = arts.get(0);
      statistics1 = arts.get(1);
      assertTrue(store.getContextsByArtifact(examples1.id()).stream().anyMatch(c -> c.name().equals("gcother")),
          "the other pipeline's run used the first run's examples");
      // An execution of this pipeline (no node's: not a newest run) recorded them.
      Context pipelineContext = store.getContextsByArtifact(arts.get(2).id()).stream()
          .filter(c -> c.name().equals("gcsafe")).findFirst().orElseThrow();
      String type = store.getExecutions(ExecutionQuery.builder().build()).get(0).type();
      var recorded = new ArrayList<ArtifactAndEvent>();
      for (Path p : List.of(outside, linked, old1, old2)) {
        recorded.add(ArtifactAndEvent.output(Artifact.create(examples1.type(), p.toString(), ArtifactState.LIVE,
            Map.of(), Map.of()), "examples"));
      }
      var put = store.putExecution(Execution.create(type, ExecutionState.COMPLETE, Map.of(), Map.of()), recorded,
          List.of(pipelineContext));
      outsideArtifact = store.getArtifact(put.artifactIds().get(0)).orElseThrow();
      linkArtifact = store.getArtifact(put.artifactIds().get(1)).orElseThrow();
      undeletable = store.getArtifact(put.artifactIds().get(2)).orElseThrow();
      withLink = store.getArtifact(put.artifactIds().get(3)).orElseThrow();
      assertTrue(undeletable.id() < withLink.id(), "gc goes in id order: the failure comes first");
    }
    Path escape = old2.resolve("escape");
    Files.createSymbolicLink(escape, target.getParent());
    Path locked = old1.resolve("locked");
    Path stuck = write(locked.resolve("stuck.bin"), "cannot go");
    lock(locked, true);
    MillraceProcess.Result gc;
    try {
      gc = cli().run("gc", a.toString(), "--keep-runs", "1", "--min-age-days", "0");
    } finally {
      lock(locked, false);
    }

    // Undeletable: reported with the path, exit code 3, the artifact stays marked; the next one still went.
    assertEquals(3, gc.code(), gc.toString());
    assertTrue(gc.err().contains("gc: artifact #" + undeletable.id() + " stays marked for deletion, its files could not"
        + " all be deleted: "), gc.toString());
    assertTrue(gc.err().contains("cannot delete " + stuck + ": "), gc.toString());
    assertEquals(1, gc.err().lines().filter(l -> l.startsWith("gc: artifact #")).count(), gc.toString());
    assertTrue(gc.out().contains("gc gcsafe: deleted the files of 1 artifacts"), gc.toString());
    assertTrue(Files.exists(stuck));
    try (MetadataStore store = store()) {
      assertEquals(ArtifactState.MARKED_FOR_DELETION, state(store, undeletable), "not recorded as deleted");
      assertEquals(ArtifactState.DELETED, state(store, withLink));
      assertFalse(Files.exists(old2, java.nio.file.LinkOption.NOFOLLOW_LINKS));
      // A link inside a deleted artifact went; what it pointed to did not.
      assertEquals("reached through a link", Files.readString(target));
      // Outside the root, and a link in the root to outside: untouched and live.
      assertEquals("not millrace's", Files.readString(outside.resolve("part-0")));
      assertEquals(ArtifactState.LIVE, state(store, outsideArtifact));
      assertTrue(Files.isSymbolicLink(linked) && Files.exists(target), "the link and its target");
      assertEquals(ArtifactState.LIVE, state(store, linkArtifact));
      // Used by the other pipeline's run: kept with its files.
      for (Artifact shared : List.of(examples1, statistics1)) {
        assertEquals(ArtifactState.LIVE, state(store, shared), shared.toString());
        assertTrue(Files.isDirectory(Path.of(shared.uri())), shared.toString());
      }
    }

    // Once the files can go, the next gc finishes the marked artifact, and nothing else changes.
    MillraceProcess.Result again = cli().run("gc", a.toString(), "--keep-runs", "1", "--min-age-days", "0");
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("gc gcsafe: deleted the files of 1 artifacts"), again.toString());
    try (MetadataStore store = store()) {
      assertEquals(ArtifactState.DELETED, state(store, undeletable));
      assertFalse(Files.exists(old1));
      for (Artifact x : store.getArtifacts(ArtifactQuery.builder().build())) {
        assertEquals(x.state() == ArtifactState.LIVE, Files.exists(Path.of(x.uri())), x.toString());
      }
      assertEquals("reached through a link", Files.readString(target));
      assertTrue(Files.isDirectory(outside));
    }
  }

  private static ArtifactState state(MetadataStore store, Artifact a) {
    return store.getArtifact(a.id()).orElseThrow().state();
  }
}
