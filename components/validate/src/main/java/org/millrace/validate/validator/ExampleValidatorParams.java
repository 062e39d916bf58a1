package org.millrace.validate.validator;

/**
 * ExampleValidator parameters.
 *
 * @param failOnAnomalies whether anomalies fail the run (default true)
 * @param drift thresholds against the baseline statistics (each split against the same split); none = not checked
 * @param skew thresholds between the train and eval splits; none = not checked
 */
public record ExampleValidatorParams(Boolean failOnAnomalies, DistributionThresholds drift, DistributionThresholds skew) {
  public ExampleValidatorParams {
    failOnAnomalies = failOnAnomalies == null || failOnAnomalies;
  }
}
