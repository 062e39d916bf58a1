/** Reading transformed Examples (a dense float32 {@code features} column and a {@code label}) into memory. */
package org.millrace.trainer.data;
