package org.millrace.api.spec;

/**
 * Does a component's work: reads the resolved inputs, writes files into the output directories
 * and returns the properties of each output. Executors never touch the metadata store; the
 * launcher publishes what they write.
 *
 * @param <P> the component's parameters record
 */
@FunctionalInterface
public interface Executor<P> {

  /**
   * Runs the component.
   *
   * @throws Exception any failure; the launcher records it on a FAILED execution
   */
  ExecutorResult execute(ExecutorInput<P> input, ExecutionContext context) throws Exception;
}
