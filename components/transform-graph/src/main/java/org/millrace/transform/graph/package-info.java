/**
 * The fitted transform graph and its one apply implementation (plain Java, no Beam), shared by
 * Transform, the trainer, the evaluator and the model server so training and serving cannot skew.
 */
package org.millrace.transform.graph;
