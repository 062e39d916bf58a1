package org.millrace.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.millrace.api.spec.ParameterBinder;
import org.millrace.api.spec.ParameterException;
import org.millrace.trainer.component.TrainerParams;
import org.millrace.trainer.nn.LrSchedule;

class LrScheduleTest {
  @Test
  void warmupThenStepOrCosineDecay() {
    var step = new LrSchedule(LrSchedule.Kind.STEP, 10, 100, 0.5, 0, 1000);
    assertEquals(0.1, step.factor(1), 1e-12);
    assertEquals(1.0, step.factor(10), 1e-12);
    assertEquals(1.0, step.factor(110), 1e-12);
    assertEquals(0.5, step.factor(111), 1e-12);
    assertEquals(0.25, step.factor(211), 1e-12);
    var cos = new LrSchedule(LrSchedule.Kind.COSINE, 0, 1, 1, 0.1, 101);
    assertEquals(1.0, cos.factor(1), 1e-12);
    assertEquals(0.55, cos.factor(51), 1e-12);
    assertEquals(0.1, cos.factor(101), 1e-12);
    assertEquals(1.0, LrSchedule.CONSTANT.factor(12345), 0);
  }

  @Test
  void scheduleParametersAreValidated() {
    var p = ParameterBinder.bind(TrainerParams.class, Map.of("schedule", Map.of("type", "cosine", "warmup_steps", 5)));
    assertEquals(LrSchedule.Kind.COSINE, p.schedule().type());
    var e = assertThrows(ParameterException.class, () -> ParameterBinder.bind(TrainerParams.class,
        Map.of("schedule", Map.of("type", "step", "gamma", -1))));
    assertEquals("schedule expected warmup_steps >= 0, step_size >= 1, gamma > 0 and min_factor in [0, 1], got 0,"
        + " 1000, -1.0, 0.0", e.getMessage());
  }
}
