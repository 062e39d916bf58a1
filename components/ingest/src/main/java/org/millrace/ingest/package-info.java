/**
 * ExampleGen: reads a data lake (CSV files laid out by span) into an Examples artifact of Arrow
 * IPC splits, on Beam, with bad rows failing the run or quarantined with their reason.
 */
package org.millrace.ingest;
