/** SchemaGen (a schema inferred from statistics) and ImportSchemaGen (a curated one). */
package org.millrace.validate.schema;
