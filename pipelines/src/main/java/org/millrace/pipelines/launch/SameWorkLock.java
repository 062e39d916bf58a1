package org.millrace.pipelines.launch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Held while a node executes work the cache could reuse (its component and cache key): another
 * process, or thread, about to execute the same work waits for it, then finds it in the cache.
 * Two runs of a pipeline started at once both trained the same model (and both pushed it). A
 * file under the pipeline root, {@code .same-work/<bucket>.lock}, one of {@value #BUCKETS} the
 * keys hash into (a bounded number of files; two keys of one bucket wait for each other now and
 * then), held with an OS file lock, so a killed process holds it no longer, and a lock per file
 * within this JVM (an OS lock is the process's). A holder never waits for another lock while it
 * holds one, so no two wait for each other.
 */
public final class SameWorkLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SameWorkLock.class);
  static final int BUCKETS = 256;
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private final ReentrantLock jvm;
  private final FileChannel channel;
  private final FileLock lock;

  private SameWorkLock(ReentrantLock jvm, FileChannel channel, FileLock lock) {
    this.jvm = jvm;
    this.channel = channel;
    this.lock = lock;
  }

  /** Waits for and takes the lock of {@code component}'s work {@code key} under {@code root}, for node {@code node}. */
  public static SameWorkLock take(Path root, String component, String key, String node) {
    int bucket = Math.floorMod((component + "\n" + key).hashCode(), BUCKETS);
    Path file = root.resolve(".same-work").resolve(bucket + ".lock").toAbsolutePath().normalize();
    ReentrantLock jvm = IN_JVM.computeIfAbsent(file, f -> new ReentrantLock());
    boolean said = false;
    if (!jvm.tryLock()) {
      LOG.info("node {}: another node of this process executes the same work; waiting to reuse its outputs", node);
      said = true;
      jvm.lock();
    }
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        FileLock lock = channel.tryLock();
        if (lock == null) {
          if (!said) {
            LOG.warn("node {}: another process executes the same work (a run of this pipeline at once); waiting to"
                + " reuse its outputs", node);
          }
          lock = channel.lock();
        }
        return new SameWorkLock(jvm, channel, lock);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      jvm.unlock();
      throw new java.io.UncheckedIOException("node " + node + ": the lock file " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      jvm.unlock();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      RunLock.release(lock, channel);
    } finally {
      jvm.unlock();
    }
  }
}
