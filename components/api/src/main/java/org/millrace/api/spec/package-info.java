/**
 * Component specs (typed inputs, outputs and parameters) and the executor contract: a pure
 * function of resolved inputs, output locations and parameters, unit-testable without a runner.
 */
package org.millrace.api.spec;
