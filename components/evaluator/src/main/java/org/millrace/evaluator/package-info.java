/**
 * The Evaluator: runs the candidate and baseline models on raw examples, computes metrics overall
 * and per slice with mergeable accumulators, checks thresholds and decides the blessing.
 */
package org.millrace.evaluator;
