/**
 * The launcher: resolves a node's inputs, computes its cache key, runs its executor into temporary
 * directories and publishes the outputs atomically with their lineage in the metadata store.
 */
package org.millrace.pipelines.launch;
