/**
 * The Transform component (TFX Transform): declarative preprocessing fitted on Beam and applied
 * by one plain-Java graph in training, evaluation and serving.
 */
package org.millrace.transform;
