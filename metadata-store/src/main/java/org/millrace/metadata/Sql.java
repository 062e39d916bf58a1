package org.millrace.metadata;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Small JDBC helpers: IN-list chunks and parameter binding. */
final class Sql {
  static final int CHUNK = 500;

  private Sql() {}

  static List<List<Long>> chunks(Collection<Long> ids) {
    var all = new ArrayList<>(ids);
    var out = new ArrayList<List<Long>>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return out;
  }

  static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  static void bindIds(PreparedStatement ps, int first, List<Long> ids) throws SQLException {
    for (int i = 0; i < ids.size(); i++) {
      ps.setLong(first + i, ids.get(i));
    }
  }

  static void bind(PreparedStatement ps, List<?> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      ps.setObject(i + 1, params.get(i));
    }
  }
}
