package org.millrace.pipelines.launch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock the process that runs or resumes a run holds on it, a file under the pipeline root
 * ({@code .runs/<run-id>.lock}): a second {@code resume} of the same run while the first (or the
 * run itself) still goes is refused, where both ran every unfinished node and pushed twice. Held
 * with an OS file lock, so a killed process holds it no longer. Not taken by {@code run-node}, whose
 * nodes of one run an orchestrator runs at once in several processes.
 */
public final class RunLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock of {@code runId} under {@code root}; fails naming the run when another holder has it. */
  public static RunLock take(Path root, String runId) {
    Path file = root.resolve(".runs").resolve(runId + ".lock");
    FileChannel channel;
    FileLock lock;
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldHere) {
        lock = null; // held by this JVM
      }
      if (lock == null) {
        channel.close();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("run " + runId + ": its lock file " + file + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      throw new IllegalArgumentException("run " + runId + " expected no other process running or resuming it, got"
          + " one holding " + file + ": wait for it to end (millrace runs show " + runId + ")");
    }
    return new RunLock(channel, lock);
  }

  @Override
  public void close() {
    release(lock, channel);
  }

  /** Releases an OS file lock and closes its channel (the channel even when the release fails). */
  static void release(FileLock lock, FileChannel channel) {
    try {
      try {
        if (lock.isValid()) {
          lock.release();
        }
      } finally {
        channel.close();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
