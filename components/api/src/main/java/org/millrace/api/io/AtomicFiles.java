package org.millrace.api.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The one place files that readers must never see half-written are written: the format files of
 * {@code org.millrace.api.format}, blessing.json, registry.json, the Pusher's records, the
 * evaluator's files.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code bytes} to {@code file} through a sibling {@code <name>.tmp-<uuid>} and an atomic
   * rename, so a reader never sees half a file and a failed write leaves the previous file whole; a
   * fresh temporary name per write, so two writers or a write cut short by kill -9 never share one.
   * Creates the parent directory; removes the temporary file when the write fails.
   */
  public static void write(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Writes {@code value} as {@code mapper}'s JSON to {@code file} atomically ({@link #write}). */
  public static void writeJson(Path file, ObjectMapper mapper, Object value) {
    try {
      write(file, mapper.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }
}
