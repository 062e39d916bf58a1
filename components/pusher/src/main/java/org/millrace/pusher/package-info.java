/** Pusher component and model registry: publishes blessed models as integer versions in the
 * TF Serving layout with atomic renames, and records manual bless/rollback decisions. */
package org.millrace.pusher;
