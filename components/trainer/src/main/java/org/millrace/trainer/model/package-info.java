/**
 * The model format — a directory with {@code model.json} (architecture, signature over raw
 * features, the embedded transform graph, provenance) and {@code model.safetensors} — and the
 * runtime that serves predictions from raw rows.
 */
package org.millrace.trainer.model;
