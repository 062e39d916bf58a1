package org.millrace.api.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesTheFiveCharactersThatEndTextOrAnAttribute() {
    assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp;amp; &quot;q&quot;",
        Html.escape("<script>alert('x')</script> &amp; \"q\""));
    assertEquals("a &lt;b&gt; ü", Html.escape("a <b> ü"));
    String plain = "nothing to escape";
    assertSame(plain, Html.escape(plain));
    assertEquals("", Html.escape(null));
  }
}
