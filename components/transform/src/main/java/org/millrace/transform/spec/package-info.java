/**
 * The declarative preprocessing spec: Transform's parameters record and the strict parser of
 * its per-feature op lists (unknown ops and keys are rejected with the offending path).
 */
package org.millrace.transform.spec;
