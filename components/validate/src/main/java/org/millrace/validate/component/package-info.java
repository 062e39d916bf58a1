/**
 * The StatisticsGen, SchemaGen, ImportSchemaGen and ExampleValidator components: their specs,
 * registration and executors, on top of the statistics, schema and validator packages (which know
 * nothing of components).
 */
package org.millrace.validate.component;
