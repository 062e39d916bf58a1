/**
 * Loading and compiling pipelines: YAML with line and column positions, the component registry,
 * and the compiler that checks a raw pipeline and produces a PipelineSpec.
 */
package org.millrace.pipelines.compile;
