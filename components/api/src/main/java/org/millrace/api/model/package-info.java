/**
 * How a component opens a trained model without naming the trainer: a {@link
 * org.millrace.api.model.PredictorLoader} found at run time ({@link java.util.ServiceLoader}) opens
 * a Model artifact's directory as a {@link org.millrace.api.model.Predictor}, which scores raw
 * batches into {@link org.millrace.api.model.Predictions}.
 */
package org.millrace.api.model;
