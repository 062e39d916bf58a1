package org.millrace.trainer.component;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.millrace.trainer.fit.Training;

/**
 * What a rank trained: the network's tensors ({@code Network.values()} order), the training
 * result and the backend it ran on. {@link #toJson} carries it between processes (tensors as
 * base64 of little-endian floats).
 */
public record RankResult(List<float[]> weights, Training.Result result, String backend) {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Wire(List<byte[]> weights, Training.Result result, String backend) {}

  public String toJson() {
    var tensors = new ArrayList<byte[]>();
    for (float[] w : weights) {
      ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : w) {
        b.putFloat(v);
      }
      tensors.add(b.array());
    }
    try {
      return JSON.writeValueAsString(new Wire(tensors, result, backend));
    } catch (IOException e) {
      throw new UncheckedIOException("BUG: a rank result did not serialize", e);
    }
  }

  public static RankResult fromJson(String json) {
    try {
      Wire w = JSON.readValue(json, Wire.class);
      var tensors = new ArrayList<float[]>();
      for (byte[] bytes : w.weights()) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[bytes.length / 4];
        for (int i = 0; i < f.length; i++) {
          f[i] = b.getFloat();
        }
        tensors.add(f);
      }
      return new RankResult(tensors, w.result(), w.backend());
    } catch (IOException e) {
      throw new UncheckedIOException("a rank result expected its JSON, got: " + e.getMessage(), e);
    }
  }
}
