/**
 * Test-only fault injection: named points in production code where a process can be made to stop
 * (for a {@code kill -9} from a test) or to throw an {@link java.lang.Error}. Inert unless the
 * environment variable {@code MILLRACE_CRASH_POINT} is set.
 */
package org.millrace.api.fault;
