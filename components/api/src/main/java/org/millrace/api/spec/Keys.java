package org.millrace.api.spec;

import java.util.regex.Pattern;

final class Keys {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private Keys() {}

  static void checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(String.format(
          "%s key expected lower_snake_case ([a-z][a-z0-9_]*), got '%s'", what, name));
    }
  }
}
