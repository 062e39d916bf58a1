/** Mergeable metric accumulators (one per slice) and the metric values computed from them;
 * plain Java, no Beam, so they can be unit-tested against scikit-learn numbers. */
package org.millrace.evaluator.metrics;
