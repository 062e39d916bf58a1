import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.millrace.serving.InferenceOptions;
import org.millrace.serving.ModelServer;
import org.millrace.serving.http.BearerToken;

/**
 * The peer of the serving benchmark: millrace's model server (the same HTTP stack, JSON parsing,
 * transform graph and request batching) with the forward pass run by ONNX Runtime's Java API on
 * the version's {@code model.onnx} (the Trainer's export) instead of the Java backend. One session
 * per version, called by the concurrent passes (ONNX Runtime's sessions take concurrent runs), each
 * run on one intra-op thread (the passes are the parallelism, as for the Java backend's copies).
 * {@code java -cp ... OnnxServe.java REGISTRY PORT [BATCH_ROWS]}.
 */
public class OnnxServe {
  public static void main(String[] args) throws Exception {
    Path registry = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    InferenceOptions inference = InferenceOptions.defaults().withFactory((dir, runtime, replicas) -> {
      try {
        var options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        OrtSession session = env.createSession(dir.resolve("model.onnx").toString(), options);
        String input = session.getInputNames().iterator().next();
        int dim = runtime.graph().featureDim();
        return (features, rows) -> {
          try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(features, 0, rows * dim),
              new long[] {rows, dim}); OrtSession.Result r = session.run(Map.of(input, x))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
          } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + dir + ": " + e.getMessage(), e);
          }
        };
      } catch (OrtException e) {
        throw new java.io.IOException("ONNX Runtime cannot load " + dir.resolve("model.onnx") + ": " + e.getMessage(),
            e);
      }
    });
    if (args.length > 2) {
      inference = inference.withBatching(Integer.parseInt(args[2]), inference.maxBatchWait());
    }
    ModelServer server = ModelServer.start(registry, ModelServer.Options.defaults().withPort(port), (BearerToken) null,
        inference);
    System.out.println("onnxruntime " + OrtEnvironment.getEnvironment().getVersion() + " serving " + registry
        + " on port " + server.port() + " " + server.repository().snapshot().keySet());
    var done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      done.countDown();
    }));
    done.await();
  }
}
