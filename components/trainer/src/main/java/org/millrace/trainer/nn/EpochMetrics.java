package org.millrace.trainer.nn;

/** One epoch of training: mean training loss, validation loss and accuracy (NaN for regression). */
public record EpochMetrics(int epoch, double trainLoss, double validationLoss, double validationAccuracy,
    long millis) {}
