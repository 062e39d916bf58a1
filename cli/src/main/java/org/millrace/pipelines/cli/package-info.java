/**
 * The {@code millrace} command line: run pipelines, inspect runs, explain caching, trace lineage.
 * Exit codes: 0 success, 1 a node failed, 2 usage or pipeline errors, 3 infrastructure errors.
 */
package org.millrace.pipelines.cli;
