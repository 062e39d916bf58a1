package org.millrace.api.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter that changes how an execution runs but not what it writes, such as a thread
 * count whose default is the machine's core count. Such parameters are left out of the cache key
 * ({@link ParameterBinder#toCacheMap}), so the same pipeline on another machine, or with another
 * setting, reuses the cached result.
 *
 * <p>Only a parameter whose outputs are bit-identical for every value may carry it, and a test of
 * the component should show that (the Trainer's {@code threads}: the Java backend computes every
 * value in one thread in a fixed order). A parameter that can change an output, even in the last
 * bit of a float, stays in the key. It applies to the top-level components of a parameters record.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface ExecutionSetting {}
