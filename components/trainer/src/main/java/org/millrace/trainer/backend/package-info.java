/** Compute kernels of the Java backend: deterministic multithreaded matrix products. */
package org.millrace.trainer.backend;
