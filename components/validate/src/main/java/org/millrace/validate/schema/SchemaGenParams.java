package org.millrace.validate.schema;

import org.millrace.api.spec.ParameterException;

/**
 * SchemaGen parameters.
 *
 * @param split the split to infer from (default train)
 * @param maxDomainSize string features with at most this many distinct values get a value domain (default 20)
 * @param inferRanges whether numeric features get a [min, max] range (default false: like TFDV, since ranges
 *     seen in one span are brittle for heavy-tailed data; opt in, or curate ranges and ImportSchemaGen)
 * @param rangeMargin how far beyond the observed range values may go, as a fraction of its width (default 0.25)
 */
public record SchemaGenParams(String split, Integer maxDomainSize, Boolean inferRanges, Double rangeMargin) {
  public SchemaGenParams {
    split = split == null ? "train" : split;
    maxDomainSize = maxDomainSize == null ? 20 : maxDomainSize;
    if (maxDomainSize < 0) {
      throw new ParameterException("max_domain_size", "max_domain_size expected a non-negative number, got " + maxDomainSize);
    }
    inferRanges = inferRanges != null && inferRanges;
    rangeMargin = rangeMargin == null ? 0.25 : rangeMargin;
    if (rangeMargin < 0) {
      throw new ParameterException("range_margin", "range_margin expected a non-negative fraction, got " + rangeMargin);
    }
  }
}
