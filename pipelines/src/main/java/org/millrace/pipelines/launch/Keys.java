package org.millrace.pipelines.launch;

/** Names of the custom properties and contexts the launcher records. */
public final class Keys {
  public static final String PIPELINE_CONTEXT = "pipeline";
  public static final String RUN_CONTEXT = "pipeline_run";
  public static final String NODE_CONTEXT = "node";

  public static final String NODE = "node";
  public static final String RUN_ID = "run_id";
  public static final String PIPELINE = "pipeline";
  public static final String CACHE_KEY = "cache_key";
  public static final String CACHE_PARAMETERS = "cache_parameters";
  public static final String CACHE_EXECUTOR_VERSION = "cache_executor_version";
  public static final String CACHE_INPUTS = "cache_inputs";
  public static final String CACHE_DRIVER = "cache_driver";
  public static final String CACHED_FROM = "cached_from";
  /** The execution whose resume directory (checkpoints) an execution took over. */
  public static final String RESUMED_FROM = "resumed_from_execution";
  public static final String ERROR = "error";
  public static final String ATTEMPT = "attempt";
  public static final String STARTED_MS = "started_ms";
  public static final String ENDED_MS = "ended_ms";
  public static final String FINGERPRINT = "fingerprint";
  public static final String SPEC = "spec";
  /** A run context's nodes when the run was started with a part of its pipeline (--only, --from, --to). */
  public static final String SELECTED_NODES = "selected_nodes";
  /** A run context's mark (1) that the run was started without the cache (--no-cache), which its resume keeps. */
  public static final String CACHE_DISABLED = "cache_disabled";

  private Keys() {}

  /** The node context name: {@code <pipeline>.<node>}. */
  public static String nodeContext(String pipeline, String node) {
    return pipeline + "." + node;
  }
}
