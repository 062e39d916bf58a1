/**
 * Arithmetic whose result does not depend on the order of its operations: exact sums of doubles
 * (and of their squares) that runners may split and merge in any order with a bit-identical result.
 */
package org.millrace.api.numeric;
