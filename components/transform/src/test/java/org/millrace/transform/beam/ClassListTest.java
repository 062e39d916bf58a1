package org.millrace.transform.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An error's list of classes: whole up to {@link ApplyFn#MANY_CLASSES}, else the first ten and a count. */
class ClassListTest {
  @Test
  void aLongListShowsTenAndKeepsBracketsInsideNames() {
    var names = new ArrayList<String>(List.of("(10, 20]"));
    for (int i = 1; i < 25; i++) {
      names.add("c" + i);
    }
    assertEquals("[(10, 20], c1, c2, c3, c4, c5, c6, c7, c8, c9, ... 15 more]", ApplyFn.some(names));
    assertEquals("[(10, 20], c1]", ApplyFn.some(names.subList(0, 2)));
  }
}
