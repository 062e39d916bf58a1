/**
 * The Pusher and the model registry: blessed models published as integer versions in the TF
 * Serving layout, each version appearing atomically, with an index of versions and their lineage.
 */
package org.millrace.pusher;
