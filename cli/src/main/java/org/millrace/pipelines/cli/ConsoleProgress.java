package org.millrace.pipelines.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.millrace.api.spec.ProgressReporter;
import org.millrace.pipelines.launch.ProgressFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress bars on a terminal; a log line every 10% otherwise (CI logs, pipes). */
final class ConsoleProgress implements ProgressFactory {
  private static final Logger LOG = LoggerFactory.getLogger("millrace.progress");

  @Override
  public ProgressReporter start(String node, String step, long total) {
    if (System.console() != null) {
      ProgressBar bar = new ProgressBarBuilder().setTaskName(node + ": " + step).setInitialMax(Math.max(total, -1))
          .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build();
      return new ProgressReporter() {
        @Override
        public void advance(long units) {
          bar.stepBy(units);
        }

        @Override
        public void close() {
          bar.close();
        }
      };
    }
    return new ProgressReporter() {
      private long done;
      private long nextReport = total > 0 ? Math.max(1, total / 10) : Long.MAX_VALUE;

      @Override
      public synchronized void advance(long units) {
        done += units;
        if (done >= nextReport) {
          LOG.info("{}: {} {}/{} ({}%)", node, step, done, total, 100 * done / total);
          nextReport += Math.max(1, total / 10);
        }
      }

      @Override
      public void close() {
        LOG.info("{}: {} done ({} units)", node, step, done);
      }
    };
  }
}
