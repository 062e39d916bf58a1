/**
 * Tabular data as it moves between components: the schema model, immutable columnar batches of
 * thousands of rows, and their Arrow IPC files on disk ({@code Split-<name>/part-NNNNN.arrow}).
 */
package org.millrace.api.data;
