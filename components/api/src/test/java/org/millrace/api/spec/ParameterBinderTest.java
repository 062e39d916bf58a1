package org.millrace.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterBinderTest {
  enum Mode { FAIL, QUARANTINE }

  record Inner(int units) {
    Inner {
      if (units <= 0) {
        throw new ParameterException("units", "units expected a positive integer, got " + units);
      }
    }
  }

  record Params(String inputPath, Integer batchSize, Mode badRows, List<Inner> layers) {
    Params {
      batchSize = batchSize == null ? 8192 : batchSize;
      badRows = badRows == null ? Mode.FAIL : badRows;
      layers = layers == null ? List.of() : layers;
    }
  }

  @Test
  void bindsSnakeCaseKeysAndAppliesDefaults() {
    Params p = ParameterBinder.bind(Params.class, Map.of("input_path", "a.csv", "bad_rows", "quarantine"));
    assertEquals("a.csv", p.inputPath());
    assertEquals(8192, p.batchSize());
    assertEquals(Mode.QUARANTINE, p.badRows());
  }

  @Test
  void unknownParameterListsKnownOnes() {
    var e = assertThrows(ParameterException.class,
        () -> ParameterBinder.bind(Params.class, Map.of("input_pth", "a.csv")));
    assertEquals("input_pth", e.path());
    assertTrue(e.getMessage().contains("parameter 'input_pth' expected one of [bad_rows, batch_size, input_path, layers]"),
        e.getMessage());
  }

  @Test
  void aFractionForAnIntegerIsRefusedNotTruncated() {
    var e = assertThrows(ParameterException.class,
        () -> ParameterBinder.bind(Params.class, Map.of("batch_size", 40.5)));
    assertEquals("batch_size", e.path());
    assertEquals("parameter 'batch_size' expected an integer, got '40.5'", e.getMessage());
  }

  record WithMap(Map<String, String> slice) {
    WithMap {
      slice = Map.copyOf(slice);
    }
  }

  @Test
  void aCheckThatThrowsWithoutAMessageStillSaysSomething() {
    var raw = new java.util.HashMap<String, Object>();
    raw.put("island", null);
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(WithMap.class, Map.of("slice", raw)));
    assertEquals("expected a value, got none (NullPointerException)", e.getMessage());
  }

  @Test
  void aNearMissOfAKnownParameterIsNamed() {
    var e = assertThrows(ParameterException.class,
        () -> ParameterBinder.bind(Params.class, Map.of("batch_sizes", 3)));
    assertTrue(e.getMessage().endsWith("got an unknown parameter (did you mean 'batch_size'?)"), e.getMessage());
    var far = assertThrows(ParameterException.class, () -> ParameterBinder.bind(Params.class, Map.of("zzz", 3)));
    assertTrue(far.getMessage().endsWith("got an unknown parameter"), far.getMessage());
    assertEquals("input_path", Spellings.closest("Input_Pth", java.util.List.of("input_path", "layers")));
    assertEquals(null, Spellings.closest("ab", java.util.List.of("cd")));
  }

  @Test
  void wrongTypeNamesParameterAndExpectedType() {
    var e = assertThrows(ParameterException.class,
        () -> ParameterBinder.bind(Params.class, Map.of("batch_size", "big")));
    assertEquals("batch_size", e.path());
    assertEquals("parameter 'batch_size' expected an integer, got 'big'", e.getMessage());
  }

  @Test
  void badEnumValueListsChoices() {
    var e = assertThrows(ParameterException.class,
        () -> ParameterBinder.bind(Params.class, Map.of("bad_rows", "ignore")));
    assertTrue(e.getMessage().contains("bad_rows") && e.getMessage().contains("[fail, quarantine]"), e.getMessage());
  }

  @Test
  void constructorValidationKeepsItsMessage() {
    var e = assertThrows(ParameterException.class,
        () -> ParameterBinder.bind(Params.class, Map.of("layers", List.of(Map.of("units", 4), Map.of("units", -3)))));
    assertEquals("units expected a positive integer, got -3", e.getMessage());
    // The nested record's field, where it is: the file's position of layers[1].units, not of 'units'.
    assertEquals("layers[1].units", e.path());
  }

  @Test
  void canonicalMapIsSortedAndRoundTrips() {
    Params p = ParameterBinder.bind(Params.class, Map.of("input_path", "a.csv"));
    Map<String, Object> map = ParameterBinder.toMap(p);
    assertEquals(List.of("bad_rows", "batch_size", "input_path", "layers"), List.copyOf(map.keySet()));
    assertEquals(p, ParameterBinder.bind(Params.class, map));
    assertEquals("{\"bad_rows\":\"FAIL\",\"batch_size\":8192,\"input_path\":\"a.csv\",\"layers\":[]}",
        ParameterBinder.toJson(p));
  }
}
