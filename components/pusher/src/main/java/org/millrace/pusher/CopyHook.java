package org.millrace.pusher;

import java.io.IOException;
import java.nio.file.Path;

/** Called after each file is copied during a push; lets tests simulate a crash mid-copy. */
@FunctionalInterface
interface CopyHook {
  CopyHook NONE = file -> {};

  void copied(Path file) throws IOException;
}
