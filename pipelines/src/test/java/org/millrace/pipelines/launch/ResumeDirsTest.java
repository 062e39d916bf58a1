package org.millrace.pipelines.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resume directory belongs to one execution; only a dead execution's directory is taken over. */
class ResumeDirsTest {
  @TempDir
  Path node;

  @Test
  void concurrentExecutionsWithOneCacheKeyGetTheirOwnDirectories() throws Exception {
    try (var a = ResumeDirs.claim(node, "abcdef0123456789ffff", 10);
        var b = ResumeDirs.claim(node, "abcdef0123456789ffff", 11)) {
      assertNotEquals(a.dir(), b.dir());
      assertFalse(b.inherited(), "a live execution's resume directory expected to stay its own");
      assertTrue(Files.isDirectory(a.dir()));
    }
  }

  @Test
  void aLaterExecutionTakesOverTheCheckpointsADeadOneLeft() throws Exception {
    Path first;
    try (var a = ResumeDirs.claim(node, "abcdef0123456789ffff", 10)) {
      first = a.dir();
      Files.writeString(Files.createDirectories(a.dir().resolve("checkpoints")).resolve("step-5"), "w");
    }
    try (var b = ResumeDirs.claim(node, "abcdef0123456789ffff", 12)) {
      assertTrue(b.inherited());
      assertEquals("w", Files.readString(b.dir().resolve("checkpoints").resolve("step-5")));
      assertFalse(Files.exists(first));
    }
    try (var c = ResumeDirs.claim(node, "0000000000000000ffff", 13)) {
      assertFalse(c.inherited(), "another cache key's checkpoints expected not to be taken over");
    }
  }

  /**
   * The directory of an execution that finished (its process killed before deleting it) goes when
   * the caller says its execution is done with it; one the caller does not know, and one a live
   * claim holds, stay.
   */
  @Test
  void aFinishedExecutionsDirectoryGoesOthersStay() throws Exception {
    Path finished;
    Path unknown;
    try (var a = ResumeDirs.claim(node, "abcdef0123456789ffff", 10);
        var b = ResumeDirs.claim(node, "0123456789abcdefffff", 11)) {
      ResumeDirs.markStore(a, "store-1");
      ResumeDirs.markStore(b, "store-1");
      finished = a.dir();
      unknown = b.dir();
      Files.writeString(finished.resolve("state.json"), "{}");
    }
    try (var held = ResumeDirs.claim(node, "abcdef0123456789ffff", 14)) {
      // 10's directory was taken over by 14, held: nothing is deleted while it is.
      assertEquals(java.util.List.of(), ResumeDirs.removeFinished(node, "store-1",
          (key, id) -> key.equals("abcdef0123456789")));
      finished = held.dir();
    }
    Path done = finished;
    // Another store sharing the root, whose execution 14 of the same key finished: not its directory.
    assertEquals(java.util.List.of(), ResumeDirs.removeFinished(node, "store-2", (key, id) -> true));
    var deleted = ResumeDirs.removeFinished(node, "store-1", (key, id) -> key.equals("abcdef0123456789") && id == 14);
    assertEquals(java.util.List.of(done), deleted);
    assertFalse(Files.exists(done));
    assertTrue(Files.isDirectory(unknown), "a directory of an execution not known to be finished expected to stay");
    try (var listing = Files.list(node)) {
      assertTrue(listing.noneMatch(p -> p.getFileName().toString().startsWith(".deleting-")), "nothing left aside");
    }
  }

  /**
   * A claimant killed between making its new directory and renaming it leaves a {@code
   * .new-resume-*} directory nobody will rename: the next claim removes it once it is older than
   * any claimant could still be making it, and leaves alone one that is younger, one whose maker
   * still holds its lock, and one with contents besides its lock file.
   */
  @Test
  void aDirectoryLeftHalfMadeByAKilledClaimantIsRemovedLater() throws Exception {
    FileTime old = FileTime.from(Instant.now().minus(ResumeDirs.ABANDONED_AFTER).minusSeconds(60));
    Path unlocked = Files.createDirectory(node.resolve(".new-resume-111"));
    Files.createFile(unlocked.resolve(".owner"));
    Path bare = Files.createDirectory(node.resolve(".new-resume-222")); // killed before its lock file
    Path young = Files.createDirectory(node.resolve(".new-resume-333"));
    Path locked = Files.createDirectory(node.resolve(".new-resume-444"));
    Path full = Files.createDirectory(node.resolve(".new-resume-555"));
    Files.writeString(full.resolve("step-1"), "w");
    Files.createFile(full.resolve(".owner"));
    for (Path p : new Path[] {unlocked, bare, locked, full}) {
      Files.setLastModifiedTime(p, old);
    }
    try (FileChannel ch = FileChannel.open(locked.resolve(".owner"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
      Files.setLastModifiedTime(locked, old);
      try (var a = ResumeDirs.claim(node, "abcdef0123456789ffff", 20)) {
        assertFalse(Files.exists(unlocked), "an abandoned half-made directory expected to be removed");
        assertFalse(Files.exists(bare), "an abandoned half-made directory without its lock file expected to be removed");
        assertTrue(Files.isDirectory(young), "a directory being made now expected to be left alone");
        assertTrue(Files.isDirectory(locked), "a directory whose maker holds its lock expected to be left alone");
        assertEquals("w", Files.readString(full.resolve("step-1")));
        assertTrue(Files.exists(full.resolve(".owner")), "a directory with contents expected to be left whole");
        assertTrue(Files.isDirectory(a.dir()));
      }
    }
  }

  /**
   * As deployed: the half-made directory's maker is a separate JVM holding the lock on its
   * `.owner`. While it lives, a claim leaves the directory alone; once it is killed with SIGKILL
   * (the kernel drops its lock), the next claim removes the directory.
   */
  @Test
  void aHalfMadeDirectoryOfAnotherJvmStaysWhileItLivesAndGoesOnceItIsKilled() throws Exception {
    FileTime old = FileTime.from(Instant.now().minus(ResumeDirs.ABANDONED_AFTER).minusSeconds(60));
    Path halfMade = Files.createDirectory(node.resolve(".new-resume-777"));
    Path owner = halfMade.resolve(".owner");
    Files.createFile(owner);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process maker = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), owner.toString()).redirectErrorStream(true).start();
    try {
      var out = new BufferedReader(new InputStreamReader(maker.getInputStream()));
      assertEquals("locked", out.readLine(), "the separate JVM expected to hold the lock");
      Files.setLastModifiedTime(halfMade, old);
      // No key: nothing to inherit, so each claim makes a new directory and sweeps the half-made ones.
      try (var a = ResumeDirs.claim(node, null, 30)) {
        assertTrue(Files.isDirectory(halfMade), "a directory whose maker (another JVM) lives expected to be left alone");
      }
      maker.destroyForcibly(); // SIGKILL
      maker.waitFor();
      Files.setLastModifiedTime(halfMade, old);
      try (var b = ResumeDirs.claim(node, null, 31)) {
        assertFalse(Files.exists(halfMade), "a directory whose maker was killed expected to be removed");
      }
    } finally {
      maker.destroyForcibly();
    }
  }

  /** A separate JVM that locks the file named by its argument, says so, and waits to be killed. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
      FileLock lock = ch.lock();
      System.out.println(lock.isValid() ? "locked" : "not locked");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /**
   * Two executions with one cache key claiming at the same moment (two runs of a pipeline started
   * together, as ConcurrentRunsIT does): each gets a new directory of its own. A directory that
   * appeared under its name before its owner locked it was taken over by the other execution as a
   * dead one's, and its owner's claim then failed ("expected to be free, but another process owns
   * it"). Threads race here as the two processes did; many rounds, as the window is short.
   */
  @Test
  void twoExecutionsClaimingAtOnceEachGetANewDirectory() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 400; round++) {
        Path dir = Files.createDirectory(node.resolve("round-" + round));
        CyclicBarrier start = new CyclicBarrier(2);
        long first = 2L * round;
        Future<ResumeDirs.Claim> a = pool.submit(() -> {
          start.await();
          return ResumeDirs.claim(dir, "abcdef0123456789ffff", first);
        });
        Future<ResumeDirs.Claim> b = pool.submit(() -> {
          start.await();
          return ResumeDirs.claim(dir, "abcdef0123456789ffff", first + 1);
        });
        try (var ca = a.get(); var cb = b.get()) {
          assertNotEquals(ca.dir(), cb.dir(), "round " + round);
          assertFalse(ca.inherited() || cb.inherited(), "round " + round + ": a live execution's new directory taken over");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
