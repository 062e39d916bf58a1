/**
 * The mergeable statistics accumulators: moments, a compacting quantile sketch and bounded value
 * counts, all serializable as JSON; their results are the records of {@code statistics.json},
 * {@link org.millrace.api.format.StatisticsModel}, which owns that file.
 */
package org.millrace.validate.statistics;
