package org.millrace.api.spec;

/**
 * A component's custom driver: fingerprints external inputs that are not artifacts (files in a
 * data lake), so the launcher's cache key changes when a new span or version lands. Ingest has one;
 * the Trainer's fingerprints the device its {@code auto} backend takes on this machine.
 */
@FunctionalInterface
public interface Driver<P> {

  /**
   * A stable string that changes whenever the external data the executor would read changes
   * (e.g. the resolved span, version, file names, sizes and modification times).
   */
  String fingerprint(P parameters, ExecutionContext context) throws Exception;
}
