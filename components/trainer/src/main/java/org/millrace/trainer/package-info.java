/**
 * The trainer: a small neural-network library (dense networks, losses, optimizers) on a
 * multithreaded Java backend, the model format (model.json + safetensors) and its runtime.
 */
package org.millrace.trainer;
