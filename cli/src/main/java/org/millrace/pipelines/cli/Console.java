package org.millrace.pipelines.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * The CLI's stdout and stderr writers. Every write reaches the process's stream at once, so a table
 * printed with {@code print} is never lost when the JVM exits, and a long-running command (serve,
 * ui, schedule) shows what it printed while it runs.
 */
final class Console {
  private Console() {}

  /** A writer over {@code stream} that flushes after every write. */
  static PrintWriter flushing(OutputStream stream, Charset charset) {
    return new PrintWriter(new FlushingWriter(new OutputStreamWriter(stream, charset)), true);
  }

  private static final class FlushingWriter extends FilterWriter {
    FlushingWriter(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      super.write(c);
      flush();
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      super.write(cbuf, off, len);
      flush();
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
      super.write(str, off, len);
      flush();
    }
  }
}
