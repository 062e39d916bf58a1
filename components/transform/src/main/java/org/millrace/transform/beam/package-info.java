/**
 * Transform on Beam: analyzer passes as {@code CombineFn}s over Arrow batches, and the apply pass
 * that writes transformed Examples with the plain-Java graph.
 */
package org.millrace.transform.beam;
