package org.mailintegrator.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The library's small JSON: what it writes, what it reads back, and what it refuses with a reason. */
class JsonTest {
    @Test
    void writesObjectsInTheirOrderWithArraysNumbersBooleansAndNull() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", 1L);
        value.put("a", List.of(true, "x"));
        value.put("n", null);

        assertThat(Json.write(value)).isEqualTo("{\"b\":1,\"a\":[true,\"x\"],\"n\":null}");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersInStrings() {
        assertThat(Json.write("say \"hi\"\\\n\r\t\u0001\u2028")).isEqualTo(
                "\"say \\\"hi\\\"\\\\\\n\\r\\t\\u0001\\u2028\"");
    }

    @Test
    void readsBackWhatItWrote() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "line one\nline \"two\"\u0000 \u00e9\u2029");
        value.put("numbers", List.of(0L, -42L, Long.MAX_VALUE));
        value.put("flags", Arrays.asList(true, false, null));
        value.put("empty", Map.of());
        value.put("none", List.of());

        assertThat(Json.read(Json.write(value))).isEqualTo(value);
    }

    @Test
    void readsWhitespaceAndTheEscapesOtherWritersUse() {
        assertThat(Json.read(" { \"a\" : [ \"\\/\\b\\f\\u00e9\" ] } ")).isEqualTo(Map.of("a", List.of("/\b\f\u00e9")));
    }

    @Test
    void refusesWhatIsNotJsonOfItsKindsAndSaysWhere() {
        assertThatThrownBy(() -> Json.read("{\"format\":")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not valid JSON at character 10: unexpected end");
        assertThatThrownBy(() -> Json.read("{\"a\":1} x")).hasMessageContaining("unexpected text after the value");
        assertThatThrownBy(() -> Json.read("1.5")).hasMessageContaining("unexpected text after the value");
        assertThatThrownBy(() -> Json.read("\"open")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> Json.read("\"\\x\"")).hasMessageContaining("bad escape \\x");
        assertThatThrownBy(() -> Json.read("\"\\u12zz\"")).hasMessageContaining("bad \\u escape");
        assertThatThrownBy(() -> Json.read("\"\\u12")).hasMessageContaining("short \\u escape");
        assertThatThrownBy(() -> Json.read("99999999999999999999")).hasMessageContaining("expected a value");
        assertThatThrownBy(() -> Json.read("{1:2}")).hasMessageContaining("expected a member name");
    }

    @Test
    void refusesInputTooDeepOrTooLong() {
        assertThatThrownBy(() -> Json.read("[".repeat(100))).hasMessageContaining("nested deeper than 32");
        assertThatThrownBy(() -> Json.read("\"" + "x".repeat(4 * 1024 * 1024) + "\""))
                .hasMessageContaining("longer than");
    }

    @Test
    void refusesToWriteWhatJsonCannotHold() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot write java.lang.Object");
    }
}
