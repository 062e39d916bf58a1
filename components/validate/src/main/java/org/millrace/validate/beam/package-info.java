/** Beam combiners and coders for statistics over Arrow batches. */
package org.millrace.validate.beam;
