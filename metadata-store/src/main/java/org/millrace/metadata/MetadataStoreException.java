package org.millrace.metadata;

/** The metadata store could not be reached or failed: an infrastructure error, not a caller mistake. */
public final class MetadataStoreException extends RuntimeException {
  public MetadataStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
