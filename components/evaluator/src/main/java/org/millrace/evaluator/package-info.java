/** Evaluator component: runs candidate and baseline models over raw examples, computes sliced
 * metrics, validates them against thresholds and writes a ModelEvaluation and a ModelBlessing. */
package org.millrace.evaluator;
