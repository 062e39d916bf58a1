package org.millrace.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Numbers too large for a parameter's type are errors naming the parameter and the range, never wrapped. */
class ParameterRangeTest {
  record Layer(Integer units) {}

  record Params(Integer epochs, int workers, Long seed, List<Layer> layers) {}

  @Test
  void anIntegerParameterDoesNotWrapAt32Bits() {
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(Params.class,
        Map.of("epochs", 4_294_967_297L)));
    assertEquals("epochs", e.path());
    assertEquals("parameter 'epochs' expected an integer in [-2147483648, 2147483647], got 4294967297",
        e.getMessage());
  }

  @Test
  void aPrimitiveAndANestedParameterToo() {
    var p = assertThrows(ParameterException.class, () -> ParameterBinder.bind(Params.class,
        Map.of("workers", -2_147_483_649L)));
    assertEquals("parameter 'workers' expected an integer in [-2147483648, 2147483647], got -2147483649",
        p.getMessage());
    var n = assertThrows(ParameterException.class, () -> ParameterBinder.bind(Params.class,
        Map.of("layers", List.of(Map.of("units", 3), Map.of("units", 1L << 40)))));
    assertEquals("layers[1].units", n.path());
  }

  @Test
  void inRangeValuesBind() {
    assertEquals(2_147_483_647, ParameterBinder.bind(Params.class, Map.of("epochs", 2_147_483_647L, "workers", 1)).epochs());
    assertEquals(4_294_967_297L, ParameterBinder.bind(Params.class, Map.of("seed", 4_294_967_297L, "workers", 1)).seed());
  }
}
