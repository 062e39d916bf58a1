/**
 * Typed artifacts: a URI of files with a documented on-disk layout, plus properties that the
 * launcher records in the metadata store.
 */
package org.millrace.api.artifact;
