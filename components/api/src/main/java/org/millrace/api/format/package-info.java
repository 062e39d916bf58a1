/**
 * The files components write for other components, the CLI and people to read, one class owning
 * each file's shape and its reading and writing: {@link org.millrace.api.format.StatisticsModel}
 * ({@code Split-<name>/statistics.json} of ExampleStatistics), {@link org.millrace.api.format.Anomalies}
 * ({@code anomalies.json} of ExampleAnomalies) and {@link org.millrace.api.format.EvaluationResult}
 * ({@code evaluation.json} of ModelEvaluation). Each is written through a temporary file and an
 * atomic rename; a file that is missing or not of its shape is an error naming the file and what
 * was expected. The golden files of their tests pin the bytes.
 */
package org.millrace.api.format;
