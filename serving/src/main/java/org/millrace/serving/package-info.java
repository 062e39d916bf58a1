/**
 * The model server ({@code millrace serve}): TF Serving's REST API (status, metadata, predict on
 * raw features) over the Pusher's registry, with hot reload of pushed versions, request limits,
 * health endpoints and Prometheus metrics.
 */
package org.millrace.serving;
