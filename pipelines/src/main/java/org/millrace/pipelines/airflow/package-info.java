/**
 * Airflow DAG export: a pipeline as a DAG file with one task per node, each running
 * {@code millrace run-node}; secrets through environment variables, every literal escaped.
 */
package org.millrace.pipelines.airflow;
