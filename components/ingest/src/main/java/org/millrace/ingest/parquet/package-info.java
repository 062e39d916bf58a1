/**
 * Parquet input for ExampleGen: file schemas mapped to DataSchemas (with cross-file type checks)
 * and a streaming row reader over Beam filesystems.
 */
package org.millrace.ingest.parquet;
