/**
 * The OpenCL backend through Aparapi: every tensor lives in one device arena ({@link
 * org.millrace.trainer.backend.opencl.ArenaKernel}, whose ops Aparapi translates to OpenCL C), a
 * self-check against the Java backend before a device is used, and explicit transfers (ADR 0006).
 */
package org.millrace.trainer.backend.opencl;
