package org.millrace.pipelines.spec;

/** How an input channel is resolved. */
public enum Resolver {
  /** The producer node's output in the same run. */
  NONE,
  /** The latest LIVE artifact of the channel from an earlier run of the pipeline. */
  PREVIOUS,
  /** The latest artifact of the channel from an earlier run that a ModelBlessing with blessed=1 approved. */
  LATEST_BLESSED;

  /** The YAML spelling. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
