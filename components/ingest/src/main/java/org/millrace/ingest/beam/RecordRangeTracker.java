package org.millrace.ingest.beam;

import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;

/**
 * Tracks the records read from a {@link TextRange}. A claim names a whole record (where it starts,
 * where the next one starts, and that one's line), so a checkpoint splits exactly at the end of
 * the last record read and the residual range starts at a record with its line number known.
 * Only checkpoints ({@code trySplit(0)}) are accepted, and only after a claim that allows one
 * (the DoFn's last claim before it outputs and asks to resume): a cut at an arbitrary byte could
 * fall inside a quoted field, and a runner's own checkpoint in mid-call (the DirectRunner takes
 * one after a second) would fail a claim after which the DoFn could no longer hand on the part
 * files it has written.
 */
public final class RecordRangeTracker extends RestrictionTracker<TextRange, RecordRangeTracker.Claim>
    implements RestrictionTracker.HasProgress {
  /**
   * Claim of the records from {@code start}; the next record starts at {@code end} on line
   * {@code nextLine}. {@code checkpoint}: a checkpoint may follow this claim.
   */
  public record Claim(long start, long end, long nextLine, boolean checkpoint) {
    /** The claim made at the end of the input. */
    public static final Claim END = new Claim(Long.MAX_VALUE, Long.MAX_VALUE, 0, true);
  }

  private TextRange range;
  private long next;
  private long nextLine;
  private boolean done;
  private boolean checkpointAllowed;

  public RecordRangeTracker(TextRange range) {
    this.range = range;
    this.next = range.from();
    this.nextLine = range.line();
  }

  @Override
  public synchronized boolean tryClaim(Claim c) {
    if (done) {
      return false;
    }
    if (c.start() >= range.to()) {
      done = true;
      return false;
    }
    if (c.start() != next) {
      throw new IllegalStateException("BUG: record claimed at byte " + c.start() + ", expected the next one at " + next);
    }
    next = c.end();
    nextLine = c.nextLine();
    checkpointAllowed = c.checkpoint();
    return true;
  }

  @Override
  public synchronized TextRange currentRestriction() {
    return range;
  }

  @Override
  public synchronized SplitResult<TextRange> trySplit(double fractionOfRemainder) {
    if (fractionOfRemainder != 0 || !checkpointAllowed || done || next >= range.to()) {
      return null;
    }
    var primary = new TextRange(range.from(), next, range.line());
    var residual = new TextRange(next, range.to(), nextLine);
    range = primary;
    return SplitResult.of(primary, residual);
  }

  @Override
  public synchronized void checkDone() {
    if (!done && next < range.to()) {
      throw new IllegalStateException("BUG: bytes [" + next + ", " + range.to() + ") of the range were not read");
    }
  }

  @Override
  public IsBounded isBounded() {
    return IsBounded.BOUNDED;
  }

  @Override
  public synchronized Progress getProgress() {
    long to = range.to() == Long.MAX_VALUE ? next + 1 : range.to();
    return Progress.from(next - range.from(), Math.max(0, to - next));
  }
}
