package dev.wxacode.text;

/**
 * Makes a value a caller sent safe to put into a log line, an error message or a Kafka header:
 * nothing in it can end the line it is written on, hide or reorder the text around it, or make the
 * line long. Characters that would (CR, LF and the other control characters, Unicode line and
 * paragraph separators, invisible format characters such as bidi overrides, lone surrogates) are
 * written as Java escapes ({@code \n}, {@code \u2028}); everything else, including any script,
 * stays as it was, so a message still reads as the caller wrote it.
 *
 * <p>A backslash is kept as it is, which makes escaping idempotent: a sink may escape again what
 * an earlier step already escaped without doubling the backslashes.
 */
public final class Untrusted {

    /** A value quoted back to a caller in a rule or a log line: enough to recognise it. */
    public static final int ECHO_MAX = 64;

    private Untrusted() {
    }

    /** The value in double quotes, escaped and cut to {@value #ECHO_MAX} characters: for "(was ...)". */
    public static String quoted(String value) {
        return value == null ? "null" : "\"" + printable(value, ECHO_MAX) + "\"";
    }

    /** A name the caller chose (an unknown field's), escaped and cut to {@value #ECHO_MAX} characters. */
    public static String name(String value) {
        return printable(value, ECHO_MAX);
    }

    /**
     * The value escaped and, if the escaped text is longer than {@code max} characters, cut there
     * with a marker saying how many characters of the original were left out.
     */
    public static String printable(String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() <= max && isPrintable(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 24);
        int i = 0;
        while (i < value.length()) {
            int cp = value.codePointAt(i);
            String piece = isSafe(cp) ? new String(Character.toChars(cp)) : escape(cp);
            if (out.length() + piece.length() > max) {
                break;
            }
            out.append(piece);
            i += Character.charCount(cp);
        }
        if (i < value.length()) {
            out.append("...(").append(value.length() - i).append(" more characters)");
        }
        return out.toString();
    }

    /** True when nothing in the text needs escaping (its length is not considered). */
    public static boolean isPrintable(String value) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (!isSafe(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static boolean isSafe(int cp) {
        return switch (Character.getType(cp)) {
            // Cc (CR, LF, TAB, NUL, ESC, NEL ...), Cf (bidi overrides and isolates, zero-width
            // characters, BOM), Zl and Zp (U+2028, U+2029), and surrogates left unpaired
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }

    private static String escape(int cp) {
        return switch (cp) {
            case '\r' -> "\\r";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            default -> cp > 0xFFFF
                    ? String.format("\\u%04x\\u%04x", (int) Character.highSurrogate(cp), (int) Character.lowSurrogate(cp))
                    : String.format("\\u%04x", cp);
        };
    }
}
