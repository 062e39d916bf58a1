/**
 * The millrace component contract: artifact types, component specs, executors and their context.
 * Components depend on this package only; the pipelines module launches them.
 */
package org.millrace.api;
