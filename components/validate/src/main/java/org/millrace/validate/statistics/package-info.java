/**
 * The statistics model and its mergeable accumulators: moments, a compacting quantile sketch and
 * bounded value counts, all serializable as JSON.
 */
package org.millrace.validate.statistics;
