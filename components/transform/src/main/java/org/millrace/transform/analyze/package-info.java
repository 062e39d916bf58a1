/**
 * Analyzer state (plain Java, mergeable in any order with the same result): numeric moments,
 * min/max and quantiles, term counts; and the fitting of spec ops into graph ops from that state.
 */
package org.millrace.transform.analyze;
