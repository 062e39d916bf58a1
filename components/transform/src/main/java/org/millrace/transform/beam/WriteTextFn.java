package org.millrace.transform.beam;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.transforms.DoFn;

/** Writes the single string of a global combine to a local file (read back by the driver). */
final class WriteTextFn extends DoFn<String, Void> {
  private final String file;

  WriteTextFn(String file) {
    this.file = file;
  }

  @ProcessElement
  public void process(@Element String text) throws Exception {
    Path p = Path.of(file);
    Files.createDirectories(p.getParent());
    Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
