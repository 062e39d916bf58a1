/**
 * The Evaluator component: its spec, registration and executor, on top of the evaluation logic
 * ({@code org.millrace.evaluator}: metrics, slices, blessing) and its Beam pipeline
 * ({@code org.millrace.evaluator.beam}).
 */
package org.millrace.evaluator.component;
