/**
 * The model registry's index file ({@code registry.json}), shared by the Pusher, which writes it,
 * and the model server, which reads it.
 */
package org.millrace.api.registry;
