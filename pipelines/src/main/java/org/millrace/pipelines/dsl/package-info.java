/**
 * The Java DSL: pipelines as type-checked code. Wiring a channel of one artifact type into an
 * input of another does not compile.
 */
package org.millrace.pipelines.dsl;
