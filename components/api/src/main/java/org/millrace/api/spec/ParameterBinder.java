package org.millrace.api.spec;

import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Binds a parameters record from the plain map of a YAML file or the DSL (snake_case keys), and
 * back. Unknown keys, wrong types and values the record's constructor rejects become
 * {@link ParameterException}s naming the parameter.
 */
public final class ParameterBinder {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // epochs: 40.5 is a mistake to name, not 40 (Jackson truncates a fraction into an int by default).
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      // Parameters are record components; helper methods such as isChange() are not parameters.
      .visibility(com.fasterxml.jackson.annotation.PropertyAccessor.IS_GETTER,
          com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE)
      .build();

  private ParameterBinder() {}

  /** The mapper used for parameters (snake_case, strict). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Binds {@code raw} (null means no parameters given) into a {@code type} record. */
  public static <P> P bind(Class<P> type, Map<String, ?> raw) {
    try {
      return MAPPER.convertValue(raw == null ? Map.of() : raw, type);
    } catch (IllegalArgumentException e) {
      throw translate(type, e, raw);
    }
  }

  /** The canonical map form of a parameters record (sorted keys; stable for cache keys). */
  public static Map<String, Object> toMap(Object parameters) {
    // Through JSON text, so numbers take the same Java types as when a stored spec is read back.
    try {
      Map<String, Object> map = MAPPER.readValue(MAPPER.writeValueAsString(parameters),
          new TypeReference<Map<String, Object>>() {});
      return new TreeMap<>(map);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("BUG: parameters not serializable: " + parameters, e);
    }
  }

  /** The canonical JSON form of a parameters record. */
  public static String toJson(Object parameters) {
    try {
      return MAPPER.writeValueAsString(toMap(parameters));
    } catch (Exception e) {
      throw new IllegalStateException("BUG: parameters not serializable: " + parameters, e);
    }
  }

  /**
   * The parameters that identify an execution's outputs: {@link #toMap} without the record's
   * {@link ExecutionSetting}s (thread counts and other settings that do not change what it writes).
   * Cache keys are computed from this map.
   */
  public static Map<String, Object> toCacheMap(Object parameters) {
    Map<String, Object> map = toMap(parameters);
    if (parameters.getClass().isRecord()) {
      var naming = new PropertyNamingStrategies.SnakeCaseStrategy();
      for (java.lang.reflect.RecordComponent c : parameters.getClass().getRecordComponents()) {
        if (c.isAnnotationPresent(ExecutionSetting.class)) {
          map.remove(naming.translate(c.getName()));
        }
      }
    }
    return map;
  }

  /** The canonical JSON form of {@link #toCacheMap}. */
  public static String toCacheJson(Object parameters) {
    try {
      return MAPPER.writeValueAsString(toCacheMap(parameters));
    } catch (Exception e) {
      throw new IllegalStateException("BUG: parameters not serializable: " + parameters, e);
    }
  }

  private static ParameterException translate(Class<?> type, IllegalArgumentException e, Map<String, ?> raw) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof UnrecognizedPropertyException u) {
      var names = u.getKnownPropertyIds() == null ? java.util.List.<String>of() : u.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().toList();
      String known = names.stream().collect(Collectors.joining(", ", "[", "]"));
      String near = Spellings.closest(u.getPropertyName(), names);
      return new ParameterException(path(u), String.format(
          "parameter '%s' expected one of %s, got an unknown parameter%s", path(u), known,
          near == null ? "" : " (did you mean '" + near + "'?)"));
    }
    if (cause instanceof ValueInstantiationException v) {
      Throwable root = v.getCause() != null ? v.getCause() : v;
      if (root instanceof ParameterException p) {
        // A nested record's own check names its field; Jackson's path says where that record is
        // (thresholds[0] and metric: thresholds[0].metric).
        String outer = path(v);
        if (outer.isEmpty() || p.path().equals(outer) || p.path().startsWith(outer + ".")
            || p.path().startsWith(outer + "[")) {
          return p;
        }
        return new ParameterException(p.path().isEmpty() ? outer : outer + "." + p.path(), p.getMessage());
      }
      // A record's own check without words (Map.copyOf of a map with a null value) still says something.
      return new ParameterException(path(v), root.getMessage() != null ? root.getMessage()
          : "expected a value, got none (" + root.getClass().getSimpleName() + ")");
    }
    if (cause instanceof InvalidFormatException f) {
      return new ParameterException(path(f), String.format("parameter '%s' expected %s, got '%s'",
          path(f), describe(f.getTargetType()), f.getValue()));
    }
    if (cause instanceof MismatchedInputException m) {
      Object given = valueAt(raw, path(m));
      return new ParameterException(path(m), String.format("parameter '%s' expected %s, got %s",
          path(m), describe(m.getTargetType()), given == null ? "nothing" : "'" + given + "'"));
    }
    if (cause instanceof JsonMappingException j && j.getCause() instanceof InputCoercionException c) {
      // A number too large for the parameter's Java type: named with the type's range, never wrapped.
      boolean isInt = c.getTargetType() == int.class || c.getTargetType() == Integer.class;
      return new ParameterException(path(j), String.format("parameter '%s' expected an integer in [%d, %d], got %s",
          path(j), isInt ? Integer.MIN_VALUE : Long.MIN_VALUE, isInt ? Integer.MAX_VALUE : Long.MAX_VALUE,
          valueAt(raw, path(j))));
    }
    if (cause instanceof JsonMappingException j) {
      return new ParameterException(path(j), String.format("parameters of %s: %s",
          type.getSimpleName(), firstLine(j.getOriginalMessage())));
    }
    return new ParameterException("", "parameters of " + type.getSimpleName() + ": " + cause.getMessage());
  }

  private static String describe(Class<?> t) {
    if (t == null) {
      return "a value";
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return "an integer";
    }
    if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
      return "a number";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true or false";
    }
    if (t == String.class) {
      return "a string";
    }
    if (t.isEnum()) {
      return "one of " + java.util.Arrays.stream(t.getEnumConstants()).map(Object::toString)
          .map(String::toLowerCase).toList();
    }
    if (java.util.List.class.isAssignableFrom(t)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(t) || t.isRecord()) {
      return "a mapping";
    }
    return "a " + t.getSimpleName();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "an invalid value";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The raw value at a path like {@code a.b[2].c}, or null. */
  static Object valueAt(Object raw, String path) {
    Object cur = raw;
    for (String part : path.split("\\.")) {
      String name = part.contains("[") ? part.substring(0, part.indexOf('[')) : part;
      if (!name.isEmpty()) {
        cur = cur instanceof Map<?, ?> m ? m.get(name) : null;
      }
      var idx = java.util.regex.Pattern.compile("\\[(\\d+)]").matcher(part);
      while (idx.find()) {
        int i = Integer.parseInt(idx.group(1));
        cur = cur instanceof java.util.List<?> l && i < l.size() ? l.get(i) : null;
      }
    }
    return cur;
  }

  /** Renders Jackson's reference path as {@code a.b[2].c}. */
  static String path(JsonMappingException e) {
    var sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
