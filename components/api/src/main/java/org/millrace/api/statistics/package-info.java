/**
 * The mergeable statistics accumulators: moments, a compacting quantile sketch and bounded value
 * counts, all serializable as JSON; their results are the records of {@code statistics.json},
 * {@link org.millrace.api.format.StatisticsModel}, which owns that file. StatisticsGen combines them
 * over an Examples artifact; ExampleGen, in process, over the batches it writes
 * ({@link org.millrace.api.statistics.WrittenStatistics}).
 */
package org.millrace.api.statistics;
