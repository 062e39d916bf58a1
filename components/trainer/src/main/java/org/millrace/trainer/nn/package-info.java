/** Layers, activations, losses and optimizers of dense networks, with their gradients. */
package org.millrace.trainer.nn;
