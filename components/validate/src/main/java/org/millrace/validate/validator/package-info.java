/** ExampleValidator: statistics checked against a schema, and distributions against a baseline. */
package org.millrace.validate.validator;
