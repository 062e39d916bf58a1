/**
 * Distributed training on Spark: {@link org.millrace.trainer.spark.SparkLauncher} runs the
 * Trainer's ranks as the tasks of one barrier stage, each joined to a ring all-reduce, and returns
 * rank 0's result. Found by the trainer through {@code DistributedLauncher} (ServiceLoader).
 */
package org.millrace.trainer.spark;
