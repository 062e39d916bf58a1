/**
 * The Beam side of ExampleGen: a DoFn that parses whole files into Arrow batches routed to
 * splits, with rejected rows on a side output.
 */
package org.millrace.ingest.beam;
