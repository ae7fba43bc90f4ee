package org.mailintegrator.discovery;

/** Text from a server or a document made fit for a note or an exception message. Stateless. */
final class Printable {
    private Printable() {
    }

    /** At most {@code limit} characters of {@code value} (then "..."), each control character replaced by '?'. */
    static String abbreviate(String value, int limit) {
        String shortened = value.length() > limit ? value.substring(0, limit) + "..." : value;
        StringBuilder printable = new StringBuilder(shortened.length());
        shortened.codePoints().forEach(c -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return printable.toString();
    }
}
