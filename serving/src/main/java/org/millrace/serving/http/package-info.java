/**
 * The HTTP plumbing shared by {@code millrace serve} and {@code millrace ui}: a JDK
 * {@code HttpServer} whose requests are bounded in number and in time, with health checks on a
 * path of their own ({@link org.millrace.serving.http.HttpService}); the server-wide slow-client
 * limits ({@link org.millrace.serving.http.ServerLimits}); bearer-token checks
 * ({@link org.millrace.serving.http.BearerToken}); answers and security headers
 * ({@link org.millrace.serving.http.Responses}).
 */
package org.millrace.serving.http;
