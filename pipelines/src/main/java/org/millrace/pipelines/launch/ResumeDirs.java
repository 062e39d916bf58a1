package org.millrace.pipelines.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Resume directories (training checkpoints and other state kept when an execution fails) owned by
 * one execution at a time.
 *
 * <p>A resume directory is named {@code .resume-<key>-<execution_id>}, where {@code key} is a
 * prefix of the cache key, and the owning process holds an exclusive lock on its {@code .owner}
 * file while the execution runs. A new execution with the same cache key (a retry, a resume after a
 * failure or a {@code kill -9}) takes over a directory left by an earlier one only when it can take
 * that lock, that is when no live process owns it, and then renames it to its own name; the rename
 * is atomic, so of two executions racing for one leftover directory exactly one gets it. Two runs
 * of one pipeline at once therefore never write checkpoints into the same directory, and neither
 * deletes the other's. A new directory is made under a name no claimant looks at, locked, then
 * renamed; one left half-made by a claimant killed in between is removed by a later claim.
 */
public final class ResumeDirs {
  private static final String PREFIX = ".resume-";
  private static final String OWNER = ".owner";
  /** Prefix of a directory being made, before it is locked and renamed to its execution's name. */
  private static final String NEW = ".new-resume-";
  /**
   * Age after which an unlocked directory being made is abandoned (its maker killed between making
   * and renaming it) and removed by the next claim: making one takes milliseconds, so a maker still
   * about to lock it is never this far behind.
   */
  static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);

  private ResumeDirs() {}

  /** A resume directory held by this process; {@link #close()} releases the ownership lock. */
  public static final class Claim implements AutoCloseable {
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final boolean inherited;
    private final long from;

    private Claim(Path dir, FileChannel channel, FileLock lock, boolean inherited) {
      this(dir, channel, lock, inherited, -1);
    }

    private Claim(Path dir, FileChannel channel, FileLock lock, boolean inherited, long from) {
      this.dir = dir;
      this.channel = channel;
      this.lock = lock;
      this.inherited = inherited;
      this.from = from;
    }

    /**
     * The execution whose directory this was, when taken over (its checkpoints, which a Trainer
     * continues from), else -1.
     */
    public long from() {
      return from;
    }

    /** The directory the execution may write. */
    public Path dir() {
      return dir;
    }

    /** Whether the directory was taken over from an earlier execution with the same cache key. */
    public boolean inherited() {
      return inherited;
    }

    @Override
    public void close() {
      try {
        if (lock.isValid()) {
          lock.release();
        }
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Claims the resume directory of execution {@code executionId} under {@code nodeDir}: the newest
   * unowned directory left by an earlier execution with the same {@code key}, renamed to this
   * execution's name, or a new empty one. A {@code null} key never inherits.
   */
  public static Claim claim(Path nodeDir, String key, long executionId) throws IOException {
    String group = PREFIX + (key == null ? "execution" : key.substring(0, Math.min(16, key.length()))) + "-";
    Path mine = nodeDir.resolve(group + executionId);
    Files.createDirectories(nodeDir);
    if (key != null) {
      for (Path old : leftovers(nodeDir, group, executionId)) {
        Claim taken = takeOver(old, mine);
        if (taken != null) {
          return taken;
        }
      }
    }
    if (Files.isDirectory(mine)) {
      return lock(mine, false); // this execution's own, from an earlier claim
    }
    removeAbandoned(nodeDir);
    // A new directory appears under its name already locked: made under a name no claimant looks
    // at, locked, then renamed. Created in place and locked after, it could be taken over in
    // between by a concurrent execution with the same key as a dead one's, and its owner's claim
    // then failed (two runs of one pipeline started together).
    Path fresh = Files.createTempDirectory(nodeDir, NEW);
    Claim claim = lock(fresh, false);
    try {
      Files.move(fresh, mine, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      claim.close();
      throw e;
    }
    // The open channel and its lock follow the renamed directory's inode.
    return new Claim(mine, claim.channel, claim.lock, false);
  }

  /**
   * Removes the directories being made that a killed claimant left (empty but for an unlocked
   * {@code .owner}), once older than {@link #ABANDONED_AFTER}; one locked, or younger, is left
   * alone, and one another claimant removes first is skipped.
   */
  private static void removeAbandoned(Path nodeDir) throws IOException {
    Instant before = Instant.now().minus(ABANDONED_AFTER);
    List<Path> made;
    try (Stream<Path> s = Files.list(nodeDir)) {
      made = s.filter(p -> p.getFileName().toString().startsWith(NEW)).toList();
    }
    for (Path dir : made) {
      try {
        if (Files.getLastModifiedTime(dir).toInstant().isAfter(before)) {
          continue;
        }
        try (Stream<Path> inside = Files.list(dir)) {
          if (inside.anyMatch(p -> !p.getFileName().toString().equals(OWNER))) {
            continue; // not a half-made directory after all: its contents are not ours to delete
          }
        }
        Path owner = dir.resolve(OWNER);
        if (Files.exists(owner)) {
          try (FileChannel ch = FileChannel.open(owner, StandardOpenOption.WRITE)) {
            if (tryLock(ch) == null) {
              continue; // its maker is alive
            }
            Files.deleteIfExists(owner);
          }
        }
        Files.deleteIfExists(dir);
      } catch (NoSuchFileException e) {
        // removed, or renamed to its execution's name, meanwhile
      } catch (DirectoryNotEmptyException e) {
        // written into meanwhile: left alone
      }
    }
  }

  /** The file naming the metadata store whose execution made a resume directory ({@link #markStore}). */
  private static final String STORE = ".store";
  /** Prefix of a directory being deleted (renamed so first, under its lock). */
  private static final String DELETING = ".deleting-";

  /**
   * Records in a claimed directory the store whose execution owns it, so that {@link
   * #removeFinished} never takes another store's directory (two stores may share a pipeline root:
   * their execution ids and cache keys can coincide) for one of its own.
   */
  public static void markStore(Claim claim, String storeId) throws IOException {
    Path marker = claim.dir().resolve(STORE);
    if (!Files.exists(marker)) {
      Files.writeString(marker, storeId);
    }
  }

  /**
   * Deletes the resume directories under {@code nodeDir} of store {@code storeId} whose execution
   * {@code finished} says is done with them (given the directory's key prefix and execution id):
   * those its owner was killed before deleting, after its outputs were recorded. No later execution
   * claims one (the node is a cache hit from then on, or a new key), so it would stay. A directory
   * some live process holds is left alone, and so is one without this store's mark. Each is renamed
   * aside under its lock before it is deleted, so a claimant never finds it half deleted; what a
   * process killed while deleting left aside goes too. Returns the deleted directories.
   */
  static List<Path> removeFinished(Path nodeDir, String storeId, java.util.function.BiPredicate<String, Long> finished)
      throws IOException {
    var deleted = new java.util.ArrayList<Path>();
    List<Path> dirs;
    try (Stream<Path> s = Files.list(nodeDir)) {
      dirs = s.filter(Files::isDirectory).toList();
    }
    for (Path dir : dirs) {
      String name = dir.getFileName().toString();
      if (name.startsWith(DELETING)) {
        NodeLauncher.deleteTree(dir);
        deleted.add(dir);
        continue;
      }
      var m = FINISHABLE.matcher(name);
      if (!m.matches() || !storeId.equals(readStore(dir)) || !finished.test(m.group(1), Long.parseLong(m.group(2)))) {
        continue;
      }
      try (FileChannel ch = FileChannel.open(dir.resolve(OWNER), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = tryLock(ch);
        if (lock == null) {
          continue; // held: its execution's process is still deleting it, or another claims it
        }
        Path aside = nodeDir.resolve(DELETING + name);
        try {
          Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          if (lock.isValid()) {
            lock.release();
          }
        }
        NodeLauncher.deleteTree(aside);
        deleted.add(dir);
      } catch (NoSuchFileException e) {
        // deleted or renamed meanwhile
      }
    }
    return deleted;
  }

  private static String readStore(Path dir) {
    try {
      return Files.readString(dir.resolve(STORE)).strip();
    } catch (IOException e) {
      return null; // made before directories were marked, or not a store's
    }
  }

  /** A resume directory of an execution with a cache key: {@code .resume-<key prefix>-<execution id>}. */
  private static final java.util.regex.Pattern FINISHABLE = java.util.regex.Pattern.compile(
      "\\.resume-([0-9a-f]{1,16})-(\\d{1,18})");

  /** Earlier directories of the group, newest execution first. */
  private static List<Path> leftovers(Path nodeDir, String group, long executionId) throws IOException {
    try (Stream<Path> s = Files.list(nodeDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(group))
          .filter(p -> suffix(p, group) >= 0 && suffix(p, group) != executionId)
          .sorted(Comparator.comparingLong((Path p) -> suffix(p, group)).reversed())
          .toList();
    }
  }

  private static long suffix(Path p, String group) {
    try {
      return Long.parseLong(p.getFileName().toString().substring(group.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Takes {@code old} over if no live process owns it; null if it is owned or already gone. */
  private static Claim takeOver(Path old, Path mine) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(old.resolve(OWNER), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      return null; // renamed away by another claimant
    }
    FileLock lock = tryLock(ch);
    if (lock == null) {
      ch.close();
      return null;
    }
    try {
      Files.move(old, mine, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException | AtomicMoveNotSupportedException e) {
      lock.release();
      ch.close();
      return null;
    }
    // The open channel and its lock follow the renamed directory's inode.
    String name = old.getFileName().toString();
    long from;
    try {
      from = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
    } catch (NumberFormatException e) {
      from = -1;
    }
    return new Claim(mine, ch, lock, true, from);
  }

  /** The file's lock, or null when another process holds it or this one does (an execution of this very process). */
  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static Claim lock(Path dir, boolean inherited) throws IOException {
    FileChannel ch = FileChannel.open(dir.resolve(OWNER), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = ch.tryLock();
    if (lock == null) {
      ch.close();
      throw new IOException("resume directory " + dir + " expected to be free, but another process owns it");
    }
    return new Claim(dir, ch, lock, inherited);
  }
}
