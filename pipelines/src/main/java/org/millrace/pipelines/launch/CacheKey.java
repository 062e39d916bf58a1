package org.millrace.pipelines.launch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import java.util.List;
import java.util.TreeMap;

/**
 * What a cached result must match: component type, executor version, canonical parameters, the
 * content fingerprints of every input artifact by key, and the driver's fingerprint of external data.
 */
public record CacheKey(String component, String executorVersion, String parametersJson,
    Map<String, List<String>> inputFingerprints, String driverFingerprint) {
  static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  public CacheKey {
    inputFingerprints = new TreeMap<>(inputFingerprints);
    driverFingerprint = driverFingerprint == null ? "" : driverFingerprint;
  }

  /** The key: SHA-256 of all parts. */
  public String hash() {
    return Fingerprints.of(component + "\n" + executorVersion + "\n" + parametersJson + "\n"
        + inputsJson() + "\n" + driverFingerprint);
  }

  public String inputsJson() {
    try {
      return JSON.writeValueAsString(inputFingerprints);
    } catch (Exception e) {
      throw new IllegalStateException("BUG: fingerprints not serializable", e);
    }
  }

  static Map<String, List<String>> parseInputs(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, List<String>>>() {});
    } catch (Exception e) {
      throw new IllegalStateException("BUG: stored cache inputs are not JSON: " + json, e);
    }
  }

  static Map<String, Object> parseParameters(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (Exception e) {
      throw new IllegalStateException("BUG: stored parameters are not JSON: " + json, e);
    }
  }
}
