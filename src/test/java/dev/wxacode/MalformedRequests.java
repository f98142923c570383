package dev.wxacode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates requests that must all be refused, from a seed, in the kinds a fuzzer would try:
 * binary garbage, JSON that is not an object, unknown fields, wrong types, nulls, huge strings,
 * unicode and control characters, deep nesting, truncated documents, broken UTF-8; and what an
 * attacker of the logs would try: line breaks in echoed values and names, content after the JSON
 * value, huge echoed values; and WeChat's reserved scancode_time as a key in scene or a path's query.
 */
final class MalformedRequests {

    private static final String[] FIELDS = {"scene", "page", "check_path", "checkPath", "env_version", "envVersion",
            "width", "auto_color", "autoColor", "line_color", "lineColor", "is_hyaline", "isHyaline", "requestId"};
    private static final String[] WRONG_VALUES = {"null", "true", "false", "0", "-1", "1e309", "12345678901234567890",
            "\"\"", "\"x\"", "[]", "[1,2]", "{}", "{\"r\":\"0\"}", "430.5", "\"430\"", "\"true\""};
    private static final String[] NOT_OBJECTS = {"null", "true", "42", "\"scene\"", "[]", "[{\"scene\":\"a\"}]", "{}x", ""};
    private static final String[] ODD_SCENES = {"订单=1", "emoji\uD83D\uDE00", "tab\there", "new\nline", "nul\u0000", "per%cent",
            "space d", "<script>", "\"quote", "back\\\\slash", "é", "\u202Eright-to-left"};

    /** Starts a line of its own in a text log that does not escape line breaks. */
    static final String FORGED = "00:00:00.000 ERROR [main] FORGED - the service was compromised";
    /** JSON escapes: the parsed strings hold a real CR LF, a line separator, a NEL and a bidi override. */
    private static final String[] LINE_BREAKS = {"\\r\\n", "\\n", "\\r", "\\u2028", "\\u2029", "\\u0085", "\\u202e\\n"};
    private static final String[] ECHOED_FIELDS = {"app", "type", "env_version"};
    private static final String[] TRAILING = {"xyz", "{\"scene\":\"b\"}", " 1", "]", "}", "\"", "\u0000", "/* */"};
    private static final String[] RESERVED_IN_SCENE = {"scancode_time=1", "id=2&scancode_time=1", "scancode_time", "a=1&scancode_time="};
    private static final String[] RESERVED_IN_PATH = {"pages/a?scancode_time=1", "pages/a?id=2&scancode_time=1",
            "pages/a?scancode%5Ftime=1", "pages/a?from=x&scancode_time=9&b=2"};

    record Malformed(String kind, byte[] body) {
    }

    static List<Malformed> generate(long seed, int count) {
        Random random = new Random(seed);
        List<Malformed> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(switch (i % 14) {
                case 0 -> garbage(random);
                case 1 -> text("not an object", NOT_OBJECTS[random.nextInt(NOT_OBJECTS.length)]);
                case 2 -> text("unknown field", "{\"scene\":\"a\",\"" + randomWord(random) + "\":1}");
                case 3 -> wrongType(random);
                case 4 -> text("null scene", "{\"scene\":null,\"page\":\"pages/index/index\"}");
                case 5 -> hugeString(random);
                case 6 -> text("odd scene", "{\"scene\":\"" + ODD_SCENES[random.nextInt(ODD_SCENES.length)] + "\"}");
                case 7 -> deepNesting(random);
                case 8 -> truncated(random);
                case 9 -> brokenUtf8(random);
                case 10 -> forgedLogLine(random);
                case 11 -> text("trailing content", "{\"scene\":\"a\"}" + TRAILING[random.nextInt(TRAILING.length)]);
                case 12 -> text("huge app", "{\"scene\":\"a\",\"app\":\"" + "A".repeat(15_000 + random.nextInt(1_300)) + "\"}");
                default -> reservedParameter(random);
            });
        }
        return out;
    }

    private static Malformed garbage(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        bytes[0] = (byte) (0x80 | bytes[0]);
        return new Malformed("binary garbage", bytes);
    }

    private static Malformed wrongType(Random random) {
        String field = FIELDS[random.nextInt(FIELDS.length)];
        String value = WRONG_VALUES[random.nextInt(WRONG_VALUES.length)];
        String scene = field.equals("scene") ? "" : "\"scene\":\"a\",";
        // a value that happens to be right for the field is made wrong by giving the field twice
        return text("wrong type for " + field, "{" + scene + "\"" + field + "\":" + value + ",\"" + field + "\":" + value + "}");
    }

    /** A line break in a value the refusal quotes back, or in the name of an unknown field. */
    private static Malformed forgedLogLine(Random random) {
        String forged = "x" + LINE_BREAKS[random.nextInt(LINE_BREAKS.length)] + FORGED;
        if (random.nextInt(4) == 0) {
            return text("forged unknown field name", "{\"scene\":\"a\",\"" + forged + "\":1}");
        }
        String field = ECHOED_FIELDS[random.nextInt(ECHOED_FIELDS.length)];
        return text("forged " + field, "{\"scene\":\"a\",\"" + field + "\":\"" + forged + "\"}");
    }

    private static Malformed reservedParameter(Random random) {
        if (random.nextBoolean()) {
            return text("scancode_time in scene", "{\"scene\":\"" + RESERVED_IN_SCENE[random.nextInt(RESERVED_IN_SCENE.length)] + "\"}");
        }
        String type = random.nextBoolean() ? "limited" : "qrcode";
        return text("scancode_time in a " + type + " path", "{\"type\":\"" + type + "\",\"path\":\""
                + RESERVED_IN_PATH[random.nextInt(RESERVED_IN_PATH.length)] + "\"}");
    }

    private static Malformed hugeString(Random random) {
        int length = 40 + random.nextInt(20_000);
        String field = random.nextBoolean() ? "scene" : "page";
        String other = field.equals("scene") ? "" : "\"scene\":\"a\",";
        return text("huge " + field, "{" + other + "\"" + field + "\":\"" + "x".repeat(length) + "\"}");
    }

    private static Malformed deepNesting(Random random) {
        int depth = 9 + random.nextInt(2000);
        return text("nesting " + depth, "{\"scene\":\"a\",\"line_color\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
    }

    private static Malformed truncated(Random random) {
        String valid = "{\"scene\":\"a\",\"page\":\"pages/index/index\",\"width\":430,\"line_color\":{\"r\":1,\"g\":2,\"b\":3}}";
        return text("truncated", valid.substring(0, 1 + random.nextInt(valid.length() - 1)));
    }

    private static Malformed brokenUtf8(Random random) {
        byte[] prefix = "{\"scene\":\"a".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) (0x28 + random.nextInt(8))};
        byte[] body = new byte[prefix.length + bad.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(bad, 0, body, prefix.length, bad.length);
        System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
        return new Malformed("broken UTF-8", body);
    }

    private static String randomWord(Random random) {
        StringBuilder word = new StringBuilder("x_");
        for (int i = 0; i < 3 + random.nextInt(10); i++) {
            word.append((char) ('a' + random.nextInt(26)));
        }
        return word.toString();
    }

    private static Malformed text(String kind, String body) {
        return new Malformed(kind, body.getBytes(StandardCharsets.UTF_8));
    }
}
