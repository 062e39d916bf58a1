package org.millrace.trainer.fit;

/**
 * The training rows one replica (a local worker or a distributed rank) computed gradients for in
 * one epoch: how many, and a checksum of their indices in the training data, the wrapping sum of
 * {@link #rowHash} over them. The replicas of an epoch trained disjoint shards that cover the data
 * exactly when their counts add up to the number of training rows and their checksums to
 * {@link #checksumOfRows(int) checksumOfRows(rows)}; each replica's count shows it trained its
 * own shard of every batch rather than another's. An epoch resumed from a checkpoint counts only
 * the rows trained after the resume.
 */
public record ReplicaRows(int replica, long rows, long checksum) {
  /** A 64-bit mix of a row index (SplitMix64's finalizer): sums of it tell sets of rows apart. */
  public static long rowHash(long row) {
    long z = row + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The checksum of rows {@code 0 .. rows - 1}: what the replicas of a whole epoch add up to. */
  public static long checksumOfRows(int rows) {
    long sum = 0;
    for (int i = 0; i < rows; i++) {
      sum += rowHash(i);
    }
    return sum;
  }

  /** The checksum of {@code count} rows of {@code order} from {@code from}. */
  static long checksum(int[] order, int from, int count) {
    long sum = 0;
    for (int i = from; i < from + count; i++) {
      sum += rowHash(order[i]);
    }
    return sum;
  }
}
