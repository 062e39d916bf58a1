/**
 * The fit loop: mini-batch training with seeded shuffling, validation, early stopping and
 * checkpoints ({@link org.millrace.trainer.fit.Training}), and its data-parallel replicas (local
 * worker threads, or one rank of a ring all-reduce). It drives the networks of
 * {@link org.millrace.trainer.nn}, which know nothing of it.
 */
package org.millrace.trainer.fit;
