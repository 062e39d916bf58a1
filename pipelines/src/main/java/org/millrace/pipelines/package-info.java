/**
 * Pipelines: the PipelineSpec IR, the YAML loader and Java DSL that compile to it, the launcher
 * (caching, atomic publication, lineage), the local runner and the {@code millrace} CLI.
 */
package org.millrace.pipelines;
