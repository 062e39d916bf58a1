/**
 * The local runner: runs a compiled pipeline's nodes concurrently as their inputs become ready,
 * with retries, partial runs and resumption of failed runs.
 */
package org.millrace.pipelines.run;
