package org.millrace.ingest.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A Parquet {@link InputFile} opened through Beam's {@link FileSystems}, so any registered filesystem works. */
final class ChannelInputFile implements InputFile {
  private final String path;
  private final MatchResult.Metadata metadata;

  ChannelInputFile(String path) throws IOException {
    this.path = path;
    this.metadata = FileSystems.matchSingleFileSpec(path);
  }

  @Override
  public long getLength() {
    return metadata.sizeBytes();
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    var channel = FileSystems.open(metadata.resourceId());
    if (!(channel instanceof SeekableByteChannel seekable)) {
      channel.close();
      throw new IllegalArgumentException(path + ": expected a seekable file (Parquet reads its footer first), got a"
          + " stream-only channel " + channel.getClass().getSimpleName());
    }
    return new DelegatingSeekableInputStream(Channels.newInputStream(seekable)) {
      @Override
      public long getPos() throws IOException {
        return seekable.position();
      }

      @Override
      public void seek(long newPos) throws IOException {
        seekable.position(newPos);
      }

      @Override
      public int read(ByteBuffer buf) throws IOException {
        return seekable.read(buf);
      }
    };
  }

  @Override
  public String toString() {
    return path;
  }
}
