/**
 * Data validation: StatisticsGen (mergeable statistics over Arrow batches on Beam), SchemaGen and
 * ImportSchemaGen, and ExampleValidator (schema anomalies, drift and skew).
 */
package org.millrace.validate;
