/**
 * HTML text for the pages and reports millrace writes: {@link org.millrace.api.html.Html#escape}
 * is the one escaping routine of the components' reports, the web UI and the servers.
 */
package org.millrace.api.html;
