package org.millrace.metadata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes the property rows of artifacts, executions and contexts. */
final class PropertyRows {
  private PropertyRows() {}

  /** Owner's properties: [0] typed, [1] custom. */
  record Props(Map<String, Value> typed, Map<String, Value> custom) {}

  static void replace(Connection c, TypeKind owner, long id, Map<String, Value> typed, Map<String, Value> custom)
      throws SQLException {
    try (PreparedStatement del = c.prepareStatement("DELETE FROM mr_property WHERE owner_kind = ? AND owner_id = ?")) {
      del.setString(1, owner.name());
      del.setLong(2, id);
      del.executeUpdate();
    }
    if (typed.isEmpty() && custom.isEmpty()) {
      return;
    }
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO mr_property (owner_kind, owner_id, name, is_custom,"
        + " data_type, int_value, double_value, string_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      add(ins, owner, id, typed, 0);
      add(ins, owner, id, custom, 1);
      ins.executeBatch();
    }
  }

  private static void add(PreparedStatement ins, TypeKind owner, long id, Map<String, Value> values, int custom)
      throws SQLException {
    for (var e : values.entrySet()) {
      Value v = e.getValue();
      ins.setString(1, owner.name());
      ins.setLong(2, id);
      ins.setString(3, e.getKey());
      ins.setInt(4, custom);
      ins.setString(5, v.type().name());
      ins.setObject(6, v instanceof Value.IntValue i ? (Object) i.value()
          : v instanceof Value.BoolValue b ? (Object) (b.value() ? 1L : 0L) : null, java.sql.Types.BIGINT);
      ins.setObject(7, v instanceof Value.DoubleValue d ? d.value() : null, java.sql.Types.DOUBLE);
      ins.setString(8, v instanceof Value.StringValue s ? s.value() : v instanceof Value.StructValue j ? j.json() : null);
      ins.addBatch();
    }
  }

  static Map<Long, Props> load(Connection c, TypeKind owner, Collection<Long> ids) throws SQLException {
    var out = new HashMap<Long, Props>();
    for (List<Long> chunk : Sql.chunks(ids)) {
      String sql = "SELECT owner_id, name, is_custom, data_type, int_value, double_value, string_value FROM mr_property"
          + " WHERE owner_kind = ? AND owner_id IN (" + Sql.placeholders(chunk.size()) + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, owner.name());
        Sql.bindIds(ps, 2, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Props p = out.computeIfAbsent(rs.getLong(1), k -> new Props(new HashMap<>(), new HashMap<>()));
            (rs.getInt(3) == 1 ? p.custom() : p.typed()).put(rs.getString(2), read(rs));
          }
        }
      }
    }
    return out;
  }

  private static Value read(ResultSet rs) throws SQLException {
    PropertyType t = PropertyType.valueOf(rs.getString(4));
    return switch (t) {
      case INT -> new Value.IntValue(rs.getLong(5));
      case BOOLEAN -> new Value.BoolValue(rs.getLong(5) != 0);
      case DOUBLE -> new Value.DoubleValue(rs.getDouble(6));
      case STRING -> new Value.StringValue(rs.getString(7));
      case STRUCT -> new Value.StructValue(rs.getString(7));
    };
  }

  /** SQL condition (an EXISTS) for one filter on the owner table aliased {@code o}. */
  static String condition(TypeKind owner, PropertyFilter f, List<Object> params) {
    Value v = f.value();
    String column;
    Object param;
    if (v instanceof Value.IntValue i) {
      column = "COALESCE(p.int_value, p.double_value)";
      param = i.value();
    } else if (v instanceof Value.DoubleValue d) {
      column = "COALESCE(p.double_value, p.int_value)";
      param = d.value();
    } else if (v instanceof Value.BoolValue b) {
      column = "p.int_value";
      param = b.value() ? 1L : 0L;
    } else {
      column = "p.string_value";
      param = v.raw();
    }
    params.add(f.name());
    params.add(param);
    return "EXISTS (SELECT 1 FROM mr_property p WHERE p.owner_kind = '" + owner.name() + "' AND p.owner_id = o.id"
        + " AND p.name = ? AND " + column + " " + f.op().sql + " ?)";
  }
}
