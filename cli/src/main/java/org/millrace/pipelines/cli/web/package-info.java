/**
 * Pictures for {@code millrace ui}, drawn on the server as inline SVG (no scripts, nothing loaded
 * from elsewhere): a layered graph of a run's nodes or of an artifact's lineage ({@link
 * org.millrace.pipelines.cli.web.GraphSvg}) and a line chart of values over runs or epochs ({@link
 * org.millrace.pipelines.cli.web.LineChart}). Every text is escaped; the same input draws the same bytes.
 */
package org.millrace.pipelines.cli.web;
