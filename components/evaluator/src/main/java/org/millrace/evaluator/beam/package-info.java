/** Beam transforms of the evaluator: models run as CombineFns over Batch elements and the merged
 * per-slice accumulators come back to the executor. */
package org.millrace.evaluator.beam;
