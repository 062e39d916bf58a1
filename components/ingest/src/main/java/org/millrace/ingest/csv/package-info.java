/**
 * A streaming RFC 4180 CSV reader over bytes (quotes, embedded newlines, strict UTF-8) that keeps
 * line numbers, and the typing of its fields against a schema.
 */
package org.millrace.ingest.csv;
