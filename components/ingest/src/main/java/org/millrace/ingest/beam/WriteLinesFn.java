package org.millrace.ingest.beam;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/** Writes all grouped lines, sorted so reruns write the same file, to one file. */
public final class WriteLinesFn extends DoFn<KV<Integer, Iterable<String>>, Long> {
  private final String file;

  public WriteLinesFn(String file) {
    this.file = file;
  }

  @ProcessElement
  public void process(@Element KV<Integer, Iterable<String>> lines, OutputReceiver<Long> out) throws Exception {
    List<String> all = new ArrayList<>();
    lines.getValue().forEach(all::add);
    all.sort(null);
    Path p = Path.of(file);
    Files.createDirectories(p.getParent());
    Files.write(p, all, StandardCharsets.UTF_8);
    out.output((long) all.size());
  }
}
