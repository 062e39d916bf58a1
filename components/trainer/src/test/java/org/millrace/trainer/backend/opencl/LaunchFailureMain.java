package org.millrace.trainer.backend.opencl;

import java.util.Arrays;
import org.millrace.trainer.backend.Tensor;

/**
 * The child JVM of {@link LaunchFailureTest} (Aparapi marks a failed device for the kernel class
 * for the rest of the JVM, so the failure must not happen in the test JVM): a launch with a work
 * group larger than the device allows, after launches that worked. Prints each error; exit status
 * 0 when the failed launch and a later one both threw {@link IllegalStateException} naming the
 * device, 1 otherwise.
 */
public final class LaunchFailureMain {
  private LaunchFailureMain() {}

  public static void main(String[] args) {
    var found = OpenCLBackend.devices().get(0);
    String name = found.device().getName().trim();
    boolean ok;
    try (var cl = new OpenCLBackend(found, 1 << 12, 1 << 16)) {
      Tensor t = cl.allocate(8);
      cl.fill(t, 2f, 8);
      ok = Arrays.equals(new float[] {2, 2, 2, 2, 2, 2, 2, 2}, cl.download(t));
      int tooBig = (int) Math.min(1 << 20, 16L * found.device().getMaxWorkGroupSize());
      ok &= throwsNaming(() -> cl.fillInGroups(t, 3f, tooBig, tooBig), name, "got a failure");
      ok &= throwsNaming(() -> cl.fill(t, 1f, 8), name, "later operations fail too");
    }
    System.exit(ok ? 0 : 1);
  }

  private static boolean throwsNaming(Runnable r, String device, String words) {
    try {
      r.run();
      System.out.println("no error");
      return false;
    } catch (IllegalStateException e) {
      System.out.println("error: " + e.getMessage());
      return e.getMessage().contains(device) && e.getMessage().contains(words);
    } catch (Throwable e) {
      System.out.println("other error: " + e);
      return false;
    }
  }
}
