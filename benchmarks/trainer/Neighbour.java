import jdk.incubator.vector.*;
/**
 * A neighbour for benchmarks/trainer/neighbour.sh, on the other core: "fma" multiply-adds in registers
 * only (the core busy, no memory traffic) or "stream" (reads 256 MiB over and over: the shared L3
 * and memory busy), for args[1] seconds.
 */
public class Neighbour {
  public static void main(String[] args) {
    long end = System.nanoTime() + (long) (Double.parseDouble(args[1]) * 1e9);
    var S = FloatVector.SPECIES_512;
    double sink = 0;
    if (args[0].equals("fma")) {
      FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
          a8 = a0, a9 = a0, a10 = a0, a11 = a0;
      FloatVector x = FloatVector.broadcast(S, 0.999999f), y = FloatVector.broadcast(S, 1e-7f);
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100000; i++) {
          a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
          a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
          a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
      }
      sink = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(VectorOperators.ADD);
    } else {
      float[] big = new float[64 << 20];
      java.util.Arrays.fill(big, 1f);
      FloatVector acc = FloatVector.zero(S);
      while (System.nanoTime() < end) {
        for (int i = 0; i < big.length; i += 16) {
          acc = acc.add(FloatVector.fromArray(S, big, i));
        }
      }
      sink = acc.reduceLanes(VectorOperators.ADD);
    }
    System.out.println("neighbour " + args[0] + " done " + sink);
  }
}
