package org.millrace.pipelines.cli;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAPI document as a contract for HTTP exchanges: a request's operation (path and method),
 * its path and query parameters, its security requirement, its JSON body, and an answer's status
 * and JSON body, each value checked by a full JSON Schema validator (networknt
 * json-schema-validator: types, required properties, enums, formats, additional properties,
 * bounds) against the spec's own schemas: the OpenAPI 3.0 dialect for Airflow 2's {@code v1.yaml},
 * the OpenAPI 3.1 dialect (JSON Schema 2020-12) for Airflow 3's {@code v2.yaml}.
 *
 * <p>The Airflow 3 client spec is OpenAPI 3.1 but keeps OpenAPI 3.0's {@code nullable: true}
 * markers, which JSON Schema 2020-12 ignores; they are rewritten to what they mean ({@code null}
 * added to the type, enum or referenced schema) before validation. Its global security names
 * schemes it does not define (leftovers of Airflow 2); an operation with only those is public, as
 * Airflow 3 serves it ({@code GET /api/v2/version}).
 */
public final class OpenApiContract {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final JsonNode spec;
  private final String prefix;
  private final SchemaRegistry registry;
  private final String iri;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  /** A matched operation: the spec's path template and the operation object. */
  public record Operation(String method, String template, JsonNode node) {}

  /**
   * @param file the spec (YAML)
   * @param prefix the prefix of the spec's paths in the server's URLs ({@code /api/v1} for v1.yaml,
   *     whose paths start after it; empty for v2.yaml, whose paths carry {@code /api/v2})
   */
  public OpenApiContract(Path file, String prefix) throws IOException {
    Object yaml = new Yaml(new LoaderOptions()).load(Files.readString(file));
    JsonNode doc = JSON.valueToTree(yaml);
    boolean v31 = doc.path("openapi").asText().startsWith("3.1");
    if (v31) {
      doc = nullables(doc);
    }
    this.spec = doc;
    this.prefix = prefix;
    this.iri = "https://contract.millrace.test/" + file.getFileName() + ".json";
    String text = JSON.writeValueAsString(doc);
    var config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
    this.registry = SchemaRegistry.withDefaultDialect(v31 ? Dialects.getOpenApi31() : Dialects.getOpenApi30(),
        b -> b.schemas(Map.of(iri, text)).schemaRegistryConfig(config));
  }

  /** The spec (after the nullable rewrite). */
  public JsonNode spec() {
    return spec;
  }

  /** The operation for a method and a URL path (with the prefix), or null. */
  public Operation operation(String method, String rawPath) {
    if (!rawPath.startsWith(prefix)) {
      return null;
    }
    String path = rawPath.substring(prefix.length());
    String m = method.toLowerCase(Locale.ROOT);
    for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("paths").properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      String regex = e.getKey().replaceAll("\\{[^}]+}", "[^/]+");
      if (path.matches(regex) && e.getValue().has(m)) {
        return new Operation(m, e.getKey(), e.getValue().get(m));
      }
    }
    return null;
  }

  /**
   * The ways a request breaks the contract (empty when it keeps it).
   *
   * @param authorization the Authorization header, or null
   * @param contentType the Content-Type header, or null
   * @param body the raw body (empty for none)
   */
  public List<String> checkRequest(String method, String rawPath, String rawQuery, String authorization,
      String contentType, byte[] body) {
    var out = new ArrayList<String>();
    String where = method.toUpperCase(Locale.ROOT) + " " + rawPath;
    Operation op = operation(method, rawPath);
    if (op == null) {
      out.add(where + ": no such operation in the spec");
      return out;
    }
    // Path parameters, by position in the template.
    String[] names = op.template().split("/");
    String[] values = rawPath.substring(prefix.length()).split("/");
    Map<String, JsonNode> params = parameters(op);
    for (int i = 0; i < names.length; i++) {
      if (names[i].startsWith("{")) {
        String name = names[i].substring(1, names[i].length() - 1);
        JsonNode p = params.get("path:" + name);
        String value = URLDecoder.decode(values[i], StandardCharsets.UTF_8);
        if (p == null) {
          out.add(where + ": path parameter '" + name + "' is not declared");
        } else {
          validate(p.get("schema"), coerce(p.get("schema"), List.of(value)), where + " path parameter " + name, out);
        }
      }
    }
    // Query parameters: declared, each value of the declared type, required ones present.
    var query = new LinkedHashMap<String, List<String>>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String kv : rawQuery.split("&")) {
        String[] parts = kv.split("=", 2);
        query.computeIfAbsent(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
            .add(parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
      }
    }
    for (var q : query.entrySet()) {
      JsonNode p = params.get("query:" + q.getKey());
      if (p == null) {
        out.add(where + ": query parameter '" + q.getKey() + "' is not one of the operation's");
      } else {
        validate(p.get("schema"), coerce(p.get("schema"), q.getValue()), where + " query parameter " + q.getKey(),
            out);
      }
    }
    for (var p : params.entrySet()) {
      if (p.getKey().startsWith("query:") && p.getValue().path("required").asBoolean()
          && !query.containsKey(p.getValue().get("name").asText())) {
        out.add(where + ": required query parameter '" + p.getValue().get("name").asText() + "' is missing");
      }
    }
    // Security: the Authorization header must satisfy one of the operation's requirements.
    String security = security(op, authorization);
    if (security != null) {
      out.add(where + ": " + security);
    }
    // Body.
    JsonNode rb = resolve(op.node().get("requestBody"));
    if (rb == null) {
      if (body.length > 0) {
        out.add(where + ": a body where the operation takes none");
      }
      return out;
    }
    if (body.length == 0) {
      if (rb.path("required").asBoolean()) {
        out.add(where + ": the operation requires a body, got none");
      }
      return out;
    }
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      out.add(where + ": Content-Type expected application/json, got " + contentType);
      return out;
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      out.add(where + ": the body is not JSON: " + e.getMessage());
      return out;
    }
    validate(rb.path("content").path("application/json").get("schema"), json, where + " body", out);
    return out;
  }

  /** The ways an answer breaks the contract: a status the operation does not declare, or a body its schema refuses. */
  public List<String> checkResponse(Operation op, int status, JsonNode body) {
    var out = new ArrayList<String>();
    String where = "answer " + status + " to " + op.method().toUpperCase(Locale.ROOT) + " " + op.template();
    JsonNode r = op.node().path("responses").get(Integer.toString(status));
    if (r == null) {
      r = op.node().path("responses").get("default");
    }
    if (r == null) {
      out.add(where + ": status not declared " + names(op.node().path("responses")));
      return out;
    }
    JsonNode schema = resolve(r).path("content").path("application/json").get("schema");
    if (schema == null) {
      if (body != null) {
        out.add(where + ": a body where the spec declares none");
      }
      return out;
    }
    validate(schema, body == null ? JsonNodeFactory.instance.nullNode() : body, where + " body", out);
    return out;
  }

  /** The schema (a {@code $ref} or an inline schema) of a response, for building an answer. */
  public JsonNode responseSchema(Operation op, int status) {
    JsonNode r = op.node().path("responses").get(Integer.toString(status));
    return r == null ? null : resolve(r).path("content").path("application/json").get("schema");
  }

  /** Validates {@code value} against {@code schema} (inline or {@code $ref}), adding each error to {@code out}. */
  public void validate(JsonNode schema, JsonNode value, String where, List<String> out) {
    if (schema == null) {
      return;
    }
    Schema s = schemaFor(schema);
    for (Error e : s.validate(value)) {
      out.add(where + ": " + e.getInstanceLocation() + " " + e.getMessage());
    }
  }

  private Schema schemaFor(JsonNode schema) {
    if (schema.has("$ref") && schema.size() == 1) {
      String ref = schema.get("$ref").asText();
      return schemas.computeIfAbsent(ref, r -> registry.getSchema(SchemaLocation.of(iri + r)));
    }
    // An inline schema: located in the document so that its $refs resolve.
    String pointer = locate(spec, schema, "");
    if (pointer == null) {
      throw new IllegalArgumentException("schema not in the spec: " + schema);
    }
    return schemas.computeIfAbsent("#" + pointer, r -> registry.getSchema(SchemaLocation.of(iri + r)));
  }

  /** The JSON pointer of {@code target} (by identity) in {@code node}, or null. */
  private static String locate(JsonNode node, JsonNode target, String at) {
    if (node == target) {
      return at;
    }
    if (node.isObject()) {
      for (var e : node.properties()) {
        String p = locate(e.getValue(), target, at + "/" + e.getKey().replace("~", "~0").replace("/", "~1"));
        if (p != null) {
          return p;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String p = locate(node.get(i), target, at + "/" + i);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  private Map<String, JsonNode> parameters(Operation op) {
    var out = new LinkedHashMap<String, JsonNode>();
    JsonNode item = spec.get("paths").get(op.template());
    for (JsonNode list : List.of(item.path("parameters"), op.node().path("parameters"))) {
      for (JsonNode p : list) {
        JsonNode r = resolve(p);
        out.put(r.get("in").asText() + ":" + r.get("name").asText(), r);
      }
    }
    return out;
  }

  /** Why {@code authorization} satisfies none of the operation's security requirements, or null. */
  private String security(Operation op, String authorization) {
    JsonNode reqs = op.node().has("security") ? op.node().get("security") : spec.path("security");
    if (reqs.isMissingNode() || reqs.isEmpty()) {
      return null;
    }
    JsonNode schemes = spec.path("components").path("securitySchemes");
    var accepted = new ArrayList<String>();
    boolean anyDefined = false;
    for (JsonNode req : reqs) {
      if (req.isEmpty()) {
        return null;
      }
      for (String name : names(req)) {
        JsonNode s = schemes.get(name);
        if (s == null) {
          continue;
        }
        anyDefined = true;
        String type = s.path("type").asText();
        String scheme = s.path("scheme").asText().toLowerCase(Locale.ROOT);
        String expected = type.equals("oauth2") || (type.equals("http") && scheme.equals("bearer")) ? "Bearer "
            : type.equals("http") && scheme.equals("basic") ? "Basic " : null;
        if (expected == null) {
          continue;
        }
        accepted.add(name + " (" + expected.strip() + ")");
        if (authorization != null && authorization.startsWith(expected) && authorization.length() > expected.length()) {
          return null;
        }
      }
    }
    if (!anyDefined) {
      return null;
    }
    return "Authorization expected one of " + accepted + ", got "
        + (authorization == null ? "none" : "'" + authorization.split(" ")[0] + " ...'");
  }

  /** Query or path strings as JSON of the parameter's schema type (arrays from repeated parameters). */
  private JsonNode coerce(JsonNode schema, List<String> values) {
    JsonNode s = resolve(schema);
    if ("array".equals(s.path("type").asText()) || s.path("type").toString().contains("\"array\"")) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (String v : values) {
        a.add(scalar(resolve(s.path("items")), v));
      }
      return a;
    }
    return scalar(s, values.get(values.size() - 1));
  }

  private JsonNode scalar(JsonNode s, String v) {
    List<String> types = new ArrayList<>();
    if (s.path("type").isArray()) {
      s.path("type").forEach(t -> types.add(t.asText()));
    } else {
      types.add(s.path("type").asText());
    }
    for (JsonNode alt : s.path("anyOf")) {
      types.add(resolve(alt).path("type").asText());
    }
    try {
      if (types.contains("integer") && v.matches("-?\\d+")) {
        return JsonNodeFactory.instance.numberNode(Long.parseLong(v));
      }
      if (types.contains("number") && v.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
        return JsonNodeFactory.instance.numberNode(new java.math.BigDecimal(v));
      }
    } catch (NumberFormatException e) {
      // A string, which the schema then refuses.
    }
    if (types.contains("boolean") && (v.equals("true") || v.equals("false"))) {
      return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(v));
    }
    return JsonNodeFactory.instance.textNode(v);
  }

  private static List<String> names(JsonNode object) {
    var out = new ArrayList<String>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Follows {@code $ref}s within the spec. */
  public JsonNode resolve(JsonNode node) {
    JsonNode n = node;
    while (n != null && n.has("$ref") && n.get("$ref").asText().startsWith("#/")) {
      n = spec.at(n.get("$ref").asText().substring(1));
    }
    return n;
  }

  /** OpenAPI 3.0's {@code nullable: true} in a 3.1 document, rewritten as JSON Schema 2020-12 says it. */
  private static JsonNode nullables(JsonNode node) {
    if (node.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> a.add(nullables(n)));
      return a;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (var e : node.properties()) {
      o.set(e.getKey(), e.getKey().equals("example") || e.getKey().equals("examples") ? e.getValue()
          : nullables(e.getValue()));
    }
    if (!o.path("nullable").asBoolean()) {
      return o;
    }
    o.remove("nullable");
    if (o.has("$ref")) {
      ObjectNode ref = JsonNodeFactory.instance.objectNode().put("$ref", o.remove("$ref").asText());
      o.putArray("anyOf").add(ref).add(JsonNodeFactory.instance.objectNode().put("type", "null"));
    } else if (o.has("type") && o.get("type").isTextual()) {
      String t = o.remove("type").asText();
      o.putArray("type").add(t).add("null");
    } else if (o.has("anyOf")) {
      ((ArrayNode) o.get("anyOf")).add(JsonNodeFactory.instance.objectNode().put("type", "null"));
    } else if (o.has("allOf") || o.has("oneOf")) {
      ObjectNode inner = o.deepCopy();
      o.removeAll();
      o.putArray("anyOf").add(inner).add(JsonNodeFactory.instance.objectNode().put("type", "null"));
    }
    if (o.has("enum")) {
      ((ArrayNode) o.get("enum")).addNull();
    }
    return o;
  }
}
