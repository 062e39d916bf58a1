/**
 * The lineage store: the ML Metadata (MLMD) data model of artifacts, executions, events and
 * contexts, on JDBC (embedded SQLite by default, PostgreSQL for teams), with Flyway migrations.
 */
package org.millrace.metadata;
