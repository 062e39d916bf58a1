/**
 * Tensor files: the safetensors format the trainer writes weights and checkpoints in, below both
 * the fit loop (checkpoints) and the model files (weights).
 */
package org.millrace.trainer.io;
