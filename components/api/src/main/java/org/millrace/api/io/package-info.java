/**
 * File writes that readers must never see half done: {@link org.millrace.api.io.AtomicFiles}. A
 * leaf package (it depends on no other millrace package), so every file owner can use it.
 */
package org.millrace.api.io;
