/**
 * Beam plumbing shared by the components: a coder that moves {@link org.millrace.api.data.Batch}es as
 * Arrow IPC, pipeline creation from {@code beam_pipeline_args}, and reading/writing Examples splits.
 */
package org.millrace.api.beam;
