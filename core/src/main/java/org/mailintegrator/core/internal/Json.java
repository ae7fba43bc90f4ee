package org.mailintegrator.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The small JSON the library writes and reads back (a result's saved form): objects, arrays, strings, integers,
 * booleans and null. Values are {@link Map} (insertion order kept), {@link List}, {@link String}, {@link Long},
 * {@link Boolean} or null. Input is bounded in depth and size; anything else fails with a message that says where.
 * Stateless.
 */
public final class Json {
    private static final int MAX_DEPTH = 32;
    private static final int MAX_LENGTH = 4 * 1024 * 1024;

    private Json() {
    }

    /** Writes {@code value}: a Map with String keys, a List, a String, a Number, a Boolean, or null. */
    public static String write(@Nullable Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(@Nullable Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            string(text, out);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string((String) entry.getKey(), out);
                out.append(':');
                write(entry.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Reads one JSON value.
     *
     * @throws IllegalArgumentException if {@code text} is not JSON of the kinds above, or too large or deep
     */
    public static @Nullable Object read(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the JSON is longer than " + MAX_LENGTH + " characters");
        }
        Reader reader = new Reader(text);
        Object value = reader.value(0);
        reader.skipSpace();
        if (reader.position != text.length()) {
            throw reader.error("unexpected text after the value");
        }
        return value;
    }

    private static final class Reader {
        private final String text;
        private int position;

        Reader(String text) {
            this.text = text;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not valid JSON at character " + position + ": " + what);
        }

        void skipSpace() {
            while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
                position++;
            }
        }

        char next() {
            skipSpace();
            if (position >= text.length()) {
                throw error("unexpected end");
            }
            return text.charAt(position);
        }

        void expect(char c) {
            if (next() != c) {
                throw error("expected '" + c + "'");
            }
            position++;
        }

        @Nullable Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH);
            }
            char c = next();
            if (c == '{') {
                position++;
                Map<String, @Nullable Object> map = new LinkedHashMap<>();
                if (next() == '}') {
                    position++;
                    return map;
                }
                while (true) {
                    if (next() != '"') {
                        throw error("expected a member name");
                    }
                    String key = string();
                    expect(':');
                    map.put(key, value(depth + 1));
                    char after = next();
                    position++;
                    if (after == '}') {
                        return map;
                    }
                    if (after != ',') {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            if (c == '[') {
                position++;
                List<@Nullable Object> list = new ArrayList<>();
                if (next() == ']') {
                    position++;
                    return list;
                }
                while (true) {
                    list.add(value(depth + 1));
                    char after = next();
                    position++;
                    if (after == ']') {
                        return list;
                    }
                    if (after != ',') {
                        throw error("expected ',' or ']'");
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            for (String word : new String[] {"true", "false", "null"}) {
                if (text.startsWith(word, position)) {
                    position += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            int start = position;
            if (c == '-') {
                position++;
            }
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            if (position == start || position - start > 19) {
                throw error("expected a value");
            }
            try {
                return Long.parseLong(text.substring(start, position));
            } catch (NumberFormatException e) {
                throw error("not an integer");
            }
        }

        String string() {
            position++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (position >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(position++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (position >= text.length()) {
                    throw error("unterminated escape");
                }
                char escaped = text.charAt(position++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (position + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error("bad \\u escape");
                        }
                        position += 4;
                    }
                    default -> throw error("bad escape \\" + escaped);
                }
            }
        }
    }
}
