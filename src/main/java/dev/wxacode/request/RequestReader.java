package dev.wxacode.request;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.core.CodeKind;
import dev.wxacode.text.Untrusted;

/**
 * Turns the raw bytes of a request into a {@link WxacodeRequest}: size limit, JSON syntax, known
 * fields and their types here; the value rules in {@link RequestRules}. Every problem found is
 * reported at once, so a caller fixes a request in one round trip.
 */
public final class RequestReader {

    private static final String RESERVED_FIELD = "scancode_time";
    static final int MAX_DEPTH = 8;
    /** Jackson's own description of a syntax error, which quotes the offending input. */
    private static final int JSON_ERROR_MAX = 160;

    private final ObjectMapper mapper;
    private final int maxBytes;
    private final Set<String> apps;

    /** @param apps the names of the configured mini programs, which a request's {@code app} must be one of */
    public RequestReader(ObjectMapper mapper, int maxBytes, Set<String> apps) {
        this.mapper = mapper.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // the schema is two levels deep; anything far deeper is an attack on the parser, not a request
        this.mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        this.maxBytes = maxBytes;
        this.apps = Set.copyOf(apps);
    }

    public WxacodeRequest read(byte[] body) {
        if (body == null || body.length == 0) {
            throw InvalidRequestException.of("body", "is empty; expected a JSON object (over HTTP: Content-Type: application/json)");
        }
        if (body.length > maxBytes) {
            throw new RequestTooLargeException(body.length, maxBytes);
        }
        JsonNode root = parse(body);
        List<Violation> violations = new ArrayList<>();
        Map<RequestField, Given> given = collectFields(root, violations);
        int firstTypeError = violations.size();
        WxacodeRequest request = new WxacodeRequest(
                text(given, RequestField.REQUEST_ID, violations),
                text(given, RequestField.APP, violations),
                kind(given, violations),
                text(given, RequestField.SCENE, violations),
                text(given, RequestField.PAGE, violations),
                text(given, RequestField.PATH, violations),
                bool(given, RequestField.CHECK_PATH, violations),
                text(given, RequestField.ENV_VERSION, violations),
                integer(given, RequestField.WIDTH, violations),
                bool(given, RequestField.AUTO_COLOR, violations),
                lineColor(given, violations),
                bool(given, RequestField.IS_HYALINE, violations));
        // value rules for the fields whose type was right: one round trip shows every problem
        List<Violation> typeErrors = List.copyOf(violations.subList(firstTypeError, violations.size()));
        boolean kindKnown = typeErrors.stream().noneMatch(v -> RequestField.named(v.field()).equals(Optional.of(RequestField.TYPE)));
        RequestRules.check(request, apps, kindKnown).stream()
                .filter(rule -> typeErrors.stream().noneMatch(v -> sameField(v, rule)))
                .forEach(violations::add);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations, violations.stream().anyMatch(v -> v.field().equals("requestId"))
                    ? null : request.requestId());
        }
        return request;
    }

    private JsonNode parse(byte[] body) {
        JsonNode root;
        try (JsonParser parser = mapper.createParser(body)) {
            root = mapper.readTree(parser);
            if (root != null && root.isObject() && hasMoreContent(parser)) {
                // {"scene":"a"}xyz: whatever follows would be silently dropped, so the body is not what it seems
                throw InvalidRequestException.of("body", "has content after the JSON value; send exactly one JSON object");
            }
        } catch (JsonProcessingException e) {
            // Jackson quotes pieces of the input in its messages
            throw InvalidRequestException.of("body", "is not valid JSON (" + Untrusted.printable(firstLine(e.getOriginalMessage()),
                    JSON_ERROR_MAX) + ")");
        } catch (IOException e) {
            throw InvalidRequestException.of("body", "is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw InvalidRequestException.of("body", "must be a JSON object");
        }
        return root;
    }

    /** Anything but white space after the value, including text that is not JSON at all. */
    private static boolean hasMoreContent(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (IOException notJson) {
            return true;
        }
    }

    /** A field as given, under the name the caller used, so errors speak the caller's language. */
    private record Given(String name, JsonNode value) {
    }

    private static Map<RequestField, Given> collectFields(JsonNode root, List<Violation> violations) {
        Map<RequestField, Given> given = new EnumMap<>(RequestField.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (name.equals(RESERVED_FIELD) || name.equals("scancodeTime")) {
                violations.add(new Violation(name, "is reserved by WeChat and may not be used (errcode 85096)"));
                continue;
            }
            Optional<RequestField> known = RequestField.named(name);
            if (known.isEmpty()) {
                violations.add(new Violation(Untrusted.name(name), "is not a known field"));
                continue;
            }
            Given earlier = given.get(known.get());
            if (earlier != null) {
                violations.add(new Violation(name, "is given twice (also as " + earlier.name() + ")"));
                continue;
            }
            // a JSON null is recorded too, so that it still counts when the other spelling follows
            given.put(known.get(), new Given(name, field.getValue()));
        }
        return given;
    }

    private static String text(Map<RequestField, Given> given, RequestField field, List<Violation> violations) {
        Given g = given.get(field);
        if (g == null || g.value().isNull()) {
            return null;
        }
        if (!g.value().isTextual()) {
            violations.add(new Violation(g.name(), "must be a string"));
            return null;
        }
        return g.value().textValue();
    }

    private static CodeKind kind(Map<RequestField, Given> given, List<Violation> violations) {
        String name = text(given, RequestField.TYPE, violations);
        if (name == null) {
            return null;
        }
        Optional<CodeKind> kind = CodeKind.named(name);
        if (kind.isEmpty()) {
            violations.add(new Violation(given.get(RequestField.TYPE).name(), "must be one of unlimited, limited, qrcode (was " + Untrusted.quoted(name) + ")"));
        }
        return kind.orElse(null);
    }

    private static Boolean bool(Map<RequestField, Given> given, RequestField field, List<Violation> violations) {
        Given g = given.get(field);
        if (g == null || g.value().isNull()) {
            return null;
        }
        if (!g.value().isBoolean()) {
            violations.add(new Violation(g.name(), "must be true or false"));
            return null;
        }
        return g.value().booleanValue();
    }

    private static Integer integer(Map<RequestField, Given> given, RequestField field, List<Violation> violations) {
        Given g = given.get(field);
        if (g == null || g.value().isNull()) {
            return null;
        }
        if (!g.value().isIntegralNumber() || !g.value().canConvertToInt()) {
            violations.add(new Violation(g.name(), "must be an integer"));
            return null;
        }
        return g.value().intValue();
    }

    private static LineColor lineColor(Map<RequestField, Given> given, List<Violation> violations) {
        Given g = given.get(RequestField.LINE_COLOR);
        if (g == null || g.value().isNull()) {
            return null;
        }
        JsonNode value = g.value();
        if (!value.isObject()) {
            violations.add(new Violation(g.name(), "must be an object {\"r\":0..255,\"g\":0..255,\"b\":0..255}"));
            return null;
        }
        int before = violations.size();
        for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("r", "g", "b").contains(name)) {
                violations.add(new Violation(g.name() + "." + Untrusted.name(name), "is not a known field (use r, g, b)"));
            }
        }
        int r = component(g.name(), value, "r", violations);
        int gr = component(g.name(), value, "g", violations);
        int b = component(g.name(), value, "b", violations);
        return violations.size() == before ? new LineColor(r, gr, b) : null;
    }

    private static int component(String parent, JsonNode color, String name, List<Violation> violations) {
        JsonNode c = color.get(name);
        String field = parent + "." + name;
        if (c == null || c.isNull()) {
            violations.add(new Violation(field, "is required"));
            return 0;
        }
        if (!c.isIntegralNumber() || !c.canConvertToInt()) {
            violations.add(new Violation(field, "must be an integer"));
            return 0;
        }
        if (c.intValue() < 0 || c.intValue() > 255) {
            violations.add(new Violation(field, "must be between 0 and 255 (was " + c.intValue() + ")"));
        }
        return c.intValue();
    }

    private static boolean sameField(Violation typeError, Violation rule) {
        return RequestField.named(typeError.field()).equals(RequestField.named(rule.field()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
