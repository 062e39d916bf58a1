package org.millrace.ingest.beam;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.FileSystems;
import org.millrace.api.data.DataSchema;
import org.millrace.api.data.InputFormat;
import org.millrace.ingest.csv.RecordSource;

/** Arrow IPC files: read whole (one range per file), which needs a seekable file. */
final class ArrowInputReader implements InputReader {
  private final DataSchema schema;
  private final String schemaSource;

  ArrowInputReader(DataSchema schema, String schemaSource) {
    this.schema = schema;
    this.schemaSource = schemaSource;
  }

  @Override
  public InputFormat format() {
    return InputFormat.ARROW;
  }

  @Override
  public RecordSource open(String file, TextRange range) throws IOException {
    var channel = FileSystems.open(FileSystems.matchSingleFileSpec(file).resourceId());
    if (!(channel instanceof SeekableByteChannel seekable)) {
      channel.close();
      throw new IllegalArgumentException(file + ": expected a seekable file for Arrow IPC, got a stream-only channel");
    }
    return ArrowRecords.open(seekable, file, schema, schemaSource);
  }
}
