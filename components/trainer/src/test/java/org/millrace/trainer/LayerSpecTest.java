package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;
import org.millrace.trainer.component.TrainerParams;
import org.millrace.trainer.nn.LayerSpec;
import org.millrace.trainer.nn.Layers;

/**
 * Trainer {@code layers} bind once into {@link LayerSpec} records that serialize back to exactly the
 * map as written (the canonical parameters and cache keys do not change), fail naming the layer,
 * and build the network without another parse.
 */
class LayerSpecTest {
  /** Every layer type, in the spellings users write: scalars and pairs, unset keys, integral rates, upper case. */
  static final String LAYERS = """
      [{type: conv2d, filters: 8, kernel_size: 3, activation: relu},
       {type: conv2d, filters: 4, kernel_size: [3, 5], strides: 2, padding: same},
       {type: max_pool2d},
       {type: max_pool2d, pool_size: [2, 1], strides: 1},
       {type: max_pool2d, pool_size: 3},
       {type: batch_norm},
       {type: batch_norm, momentum: 0.9, epsilon: 0.01},
       {type: flatten},
       {type: dense, units: 64, activation: ReLU, dropout: 0},
       {type: dense, units: 16.0, dropout: 0.25},
       {type: dense, units: 8},
       {type: dropout, rate: 0.5},
       {type: dropout, rate: 0},
       {type: activation, activation: tanh},
       {type: activation, activation: softmax},
       {type: softmax},
       {type: embedding, input_dim: 10, output_dim: 3}]
      """;

  static Object json(Object value) {
    var mapper = ParameterBinder.mapper();
    try {
      return mapper.readValue(mapper.writeValueAsString(value), new TypeReference<Object>() {});
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, Object> params(String layersYaml) {
    try {
      return Map.of("input_shape", List.of(12, 12, 1), "layers", new YAMLMapper().readValue(layersYaml, Object.class));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everySpellingSerializesAsWritten() {
    Map<String, Object> raw = params(LAYERS);
    TrainerParams p = ParameterBinder.bind(TrainerParams.class, raw);
    assertEquals(json(raw.get("layers")), ParameterBinder.toMap(p).get("layers"));
    // Bound again from the canonical map (as a stored spec is), the records are the same.
    assertEquals(p, ParameterBinder.bind(TrainerParams.class, ParameterBinder.toMap(p)));
    assertEquals(ParameterBinder.toCacheJson(p),
        ParameterBinder.toCacheJson(ParameterBinder.bind(TrainerParams.class, ParameterBinder.toMap(p))));
  }

  @Test
  void recordsAreTypedPerLayer() {
    List<LayerSpec> layers = ParameterBinder.bind(TrainerParams.class, params(LAYERS)).layers();
    var conv = assertInstanceOf(LayerSpec.Conv2D.class, layers.get(1));
    assertEquals(List.of(3, 5, 2, "same"), List.of(conv.kernelSize().rows(), conv.kernelSize().cols(),
        conv.strideValue(), conv.paddingValue()));
    var pool = assertInstanceOf(LayerSpec.MaxPool2D.class, layers.get(2));
    assertEquals(List.of(2, 2, 2), List.of(pool.pool().rows(), pool.pool().cols(), pool.strideValue()));
    assertEquals(List.of(LayerSpec.Conv2D.class, LayerSpec.Conv2D.class, LayerSpec.MaxPool2D.class,
        LayerSpec.MaxPool2D.class, LayerSpec.MaxPool2D.class, LayerSpec.BatchNorm.class, LayerSpec.BatchNorm.class,
        LayerSpec.Flatten.class, LayerSpec.Dense.class, LayerSpec.Dense.class, LayerSpec.Dense.class,
        LayerSpec.Dropout.class, LayerSpec.Dropout.class, LayerSpec.Activation.class, LayerSpec.Activation.class,
        LayerSpec.Softmax.class, LayerSpec.Embedding.class), layers.stream().map(Object::getClass).toList());
  }

  @Test
  void theNetworkIsBuiltFromTheRecords() {
    // No map anywhere: records made in code go straight to buildHidden.
    var p = new TrainerParams(null, List.of(
        new LayerSpec.Conv2D(4, LayerSpec.Pair.of(List.of(3, 5), "kernel_size"), null, null, "relu"),
        new LayerSpec.MaxPool2D(null, null), new LayerSpec.Flatten(), new LayerSpec.Dense(8, null, 0.5),
        new LayerSpec.Activation("softmax")), List.of(12, 12, 1), null, null, null, null, null, null, null, null, null,
        null, null, null);
    var built = p.buildHidden();
    assertEquals(List.of("conv2d", "max_pool2d", "flatten", "dense", "dropout", "softmax"),
        built.stream().map(org.millrace.trainer.nn.Layer::type).toList());
    assertEquals(Map.of("type", "conv2d", "filters", 4, "kernel_size", List.of(3, 5), "strides", 1, "padding", "valid",
        "activation", "relu"), built.get(0).config());
    assertEquals(Map.of("type", "max_pool2d", "pool_size", List.of(2, 2), "strides", 2), built.get(1).config());
    assertEquals(Map.of("type", "dropout", "rate", 0.5), built.get(4).config());
    // model.json stores what the built layers say; it parses into the same records and builds the same layers.
    for (var layer : built) {
      assertEquals(layer.config(), Layers.create(LayerSpec.parse(layer.config(), "model.json")).get(0).config());
    }
  }

  static String error(String layersYaml) {
    return assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class, params(layersYaml)))
        .getMessage();
  }

  @Test
  void errorsNameTheLayerTheTypeAndTheKey() {
    assertEquals("layers[2] (conv2d): kernel_size expected a positive integer or a list of two, got 0",
        error("[{type: flatten}, {type: dense, units: 4}, {type: conv2d, filters: 2, kernel_size: 0}]"));
    assertEquals("layers[0] (conv2d): kernel_size expected a positive integer or a list of two, got [3, 0]",
        error("[{type: conv2d, filters: 2, kernel_size: [3, 0]}]"));
    assertEquals("layers[1]: type expected one of [activation, batch_norm, conv2d, dense, dropout, embedding, flatten,"
        + " max_pool2d, softmax], got 'lstm'", error("[{type: flatten}, {type: lstm}]"));
    assertEquals("layers[0] (dense): units expected a positive integer, got 2.5", error("[{type: dense, units: 2.5}]"));
    assertEquals("layers[0] (dense): activation expected one of [linear, relu, leaky_relu, gelu, sigmoid, tanh], got"
        + " 'swish'", error("[{type: dense, units: 2, activation: swish}]"));
    assertEquals("layers[0] (dropout): dropout expected a rate in [0, 1), got 1.0", error("[{type: dropout, rate: 1}]"));
    assertEquals("layers[0] (max_pool2d): strides expected a positive integer, got 0",
        error("[{type: max_pool2d, strides: 0}]"));
    assertEquals("layers[0] (batch_norm): momentum expected a number, got high",
        error("[{type: batch_norm, momentum: high}]"));
    assertEquals("layers[0] (embedding): embedding expected input_dim in [1, 16777216] and output_dim > 0, got"
        + " 16777217 and 2", error("[{type: embedding, input_dim: 16777217, output_dim: 2}]"));
    assertEquals("parameter 'layers[1]' expected a mapping, got 'dense'", error("[{type: flatten}, dense]"));
    // An explicit null would vanish from the canonical map (and change the cache key): refused.
    assertEquals("layers[0] (dense): activation expected a value, got null (leave activation out for its default)",
        error("[{type: dense, units: 2, activation: null}]"));
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class,
        params("[{type: conv2d, filters: 2, kernel_size: 3, padding: full}]")));
    assertEquals("layers[0]", e.path());
    assertEquals("layers[0] (conv2d): conv2d padding expected 'valid' or 'same', got 'full'", e.getMessage());
  }
}
