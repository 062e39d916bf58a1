/**
 * The statistics page ({@code index.html}) of a Statistics artifact; the accumulators are
 * {@link org.millrace.api.statistics}.
 */
package org.millrace.validate.statistics;
