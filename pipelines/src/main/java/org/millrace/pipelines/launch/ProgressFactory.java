package org.millrace.pipelines.launch;

import org.millrace.api.spec.ProgressReporter;

/** Creates progress reporters for long steps (a console bar in the CLI, nothing in tests). */
@FunctionalInterface
public interface ProgressFactory {
  ProgressFactory NONE = (node, step, total) -> ProgressReporter.NONE;

  ProgressReporter start(String node, String step, long total);
}
