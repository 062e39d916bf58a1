/**
 * The pipeline intermediate representation: one JSON-serializable record tree that the YAML
 * loader and the Java DSL both compile to, and that runners execute.
 */
package org.millrace.pipelines.spec;
