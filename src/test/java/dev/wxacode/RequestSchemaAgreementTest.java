package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import dev.wxacode.MalformedRequests.Malformed;
import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published request schema and the running service agree on which requests are valid. The
 * fuzz corpus, valid requests of every kind and spelling, the contract's own examples and a near
 * miss of every rule go through both:
 * <ul>
 *   <li>every request the service accepts is valid by the schema, without exception;</li>
 *   <li>every request the schema accepts is accepted by the service, except where one of the
 *       {@link #KNOWN_DIFFERENCES} applies and accounts for the whole of the refusal;</li>
 *   <li>every answer is a reply the reply schema and the OpenAPI document describe.</li>
 * </ul>
 * Depth is not among the differences: the schema allows objects two levels deep and nothing else
 * nested, so whatever the service's nesting limit (8) refuses, the schema refuses too.
 */
class RequestSchemaAgreementTest extends PipelineTestSupport {

    private static final long FUZZ_SEED = 20261125L;
    private static final int FUZZ_COUNT = 250;
    private static final Set<String> CONFIGURED_APPS = Set.of("default", "shop");
    private static final int MAX_REQUEST_BYTES = 16_384;
    private static final String SHOP_ID = "wx000000contractshop";
    private static final String SHOP_SECRET = "contract-shop-secret-51d0c7e2";
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** What the service checks and JSON Schema cannot say. Anything else the two disagree on fails the test. */
    private static final List<KnownDifference> KNOWN_DIFFERENCES = List.of(
            new KnownDifference("a member name given twice",
                    "JSON Schema validates the parsed value, in which a repeated name has kept one of its values (RFC 8259"
                            + " leaves it to the parser); the service parses with duplicate detection and refuses the body",
                    RequestSchemaAgreementTest::repeatsAName,
                    answer -> everyViolation(answer, v -> v.path("field").asText().equals("body")
                            && v.path("rule").asText().contains("Duplicate field"))),
            new KnownDifference("an app this instance is not configured with",
                    "the apps are configuration (wechat.apps); the schema can only hold app to the syntax of an app name",
                    body -> lenient(body).path("app").isTextual() && !CONFIGURED_APPS.contains(lenient(body).path("app").asText()),
                    answer -> everyViolation(answer, v -> v.path("field").asText().equals("app"))),
            new KnownDifference("an integer written with a fraction or an exponent",
                    "to JSON Schema 430.0 and 4.3e2 are the number 430, an integer; the service, like WeChat, takes only integers"
                            + " written as such",
                    body -> hasIntegralDecimal(lenient(body)),
                    answer -> everyViolation(answer, v -> v.path("rule").asText().equals("must be an integer"))),
            new KnownDifference("a body over wxacode.max-request-bytes",
                    "a limit on the bytes sent, white space included, which a schema of the parsed value cannot see",
                    body -> body.length > MAX_REQUEST_BYTES,
                    answer -> answer.status() == 413));

    private record KnownDifference(String name, String reason, Predicate<byte[]> applies, Predicate<Answer> accountsFor) {
    }

    private enum Expect { VALID, INVALID, EITHER }

    private record Case(String kind, byte[] body, Expect expect) {
        static Case valid(String kind, String json) {
            return new Case(kind, json.getBytes(StandardCharsets.UTF_8), Expect.VALID);
        }

        static Case invalid(String kind, String json) {
            return new Case(kind, json.getBytes(StandardCharsets.UTF_8), Expect.INVALID);
        }
    }

    private record Answer(int status, byte[] body, JsonNode json) {
        boolean accepted() {
            return status == 200;
        }

        boolean refused() {
            return status == 413 || (status == 400 && json.at("/error/code").asText().equals("invalid_request"));
        }
    }

    @BeforeAll
    static void aSecondApp() throws Exception {
        addAppWithSecretInFile("shop", SHOP_ID, SHOP_SECRET);
        restartAppWith("wechat.apps", String.join(",", CONFIGURED_APPS.stream().sorted().toList()));
    }

    @Test
    void theServiceAndTheRequestSchemaAcceptTheSameRequests() throws Exception {
        Schema schema = ContractSchemas.schema(ContractSchemas.REQUEST);
        List<Case> cases = new ArrayList<>();
        cases.addAll(valid());
        cases.addAll(publishedExamples());
        cases.addAll(nearMisses());
        cases.addAll(knownDifferences());
        for (Malformed m : MalformedRequests.generate(FUZZ_SEED, FUZZ_COUNT)) {
            cases.add(new Case("fuzz: " + m.kind(), m.body(), Expect.EITHER));
        }

        List<String> disagreements = new ArrayList<>();
        Map<String, Integer> differencesSeen = new TreeMap<>();
        Map<String, Integer> verdicts = new TreeMap<>();
        for (Case c : cases) {
            List<String> schemaErrors = ContractSchemas.errors(schema, c.body());
            boolean schemaValid = schemaErrors.isEmpty();
            Answer answer = send(c.body());
            String what = c.kind() + " " + shown(c.body());

            List<String> replyProblems = ContractSchemas.replyProblems(answer.status(), answer.body());
            if (!replyProblems.isEmpty()) {
                disagreements.add(what + ": the answer is not a reply of the contract: " + replyProblems + " " + shown(answer.body()));
            }
            if (!answer.accepted() && !answer.refused()) {
                disagreements.add(what + ": neither accepted nor refused as invalid: " + answer.status() + " " + shown(answer.body()));
                continue;
            }
            verdicts.merge((schemaValid ? "schema valid, " : "schema invalid, ") + (answer.accepted() ? "accepted" : "refused"), 1, Integer::sum);
            if (c.expect() == Expect.VALID && !(schemaValid && answer.accepted())) {
                disagreements.add(what + ": meant to be valid, but schema " + schemaErrors + ", service " + shown(answer.body()));
            } else if (c.expect() == Expect.INVALID && (schemaValid || answer.accepted())) {
                disagreements.add(what + ": meant to be invalid, but schema " + schemaErrors + ", service " + answer.status());
            } else if (answer.accepted() && !schemaValid) {
                disagreements.add(what + ": accepted by the service, invalid by the schema: " + schemaErrors);
            } else if (answer.refused() && schemaValid) {
                List<KnownDifference> known = KNOWN_DIFFERENCES.stream()
                        .filter(k -> k.applies().test(c.body()) && k.accountsFor().test(answer)).toList();
                if (known.isEmpty()) {
                    disagreements.add(what + ": valid by the schema, refused by the service: " + shown(answer.body()));
                }
                known.forEach(k -> differencesSeen.merge(k.name(), 1, Integer::sum));
            }
        }
        System.out.printf("request schema vs service: %d requests, %s; known differences met: %s%n", cases.size(), verdicts,
                differencesSeen);
        assertEquals(List.of(), disagreements, disagreements.size() + " disagreements");
        for (KnownDifference k : KNOWN_DIFFERENCES) {
            // a difference that no request shows any more is one the schema or the service closed: drop it from the list
            assertTrue(differencesSeen.containsKey(k.name()), "known difference never met: " + k.name() + " (" + k.reason() + ")");
        }
    }

    /** Every kind, both spellings of each aliased field, every optional field, boundaries of each rule. */
    private static List<Case> valid() {
        String chars32 = "0aZ!#$&'()*+,/:;=?@-._~" + "x".repeat(9);
        return List.of(
                Case.valid("the smallest request", "{\"scene\":\"contract=1\"}"),
                Case.valid("unlimited, snake_case", "{\"requestId\":\"contract-snake\",\"app\":\"default\",\"type\":\"unlimited\","
                        + "\"scene\":\"a=1&b=2\",\"page\":\"pages/index/index\",\"check_path\":true,\"env_version\":\"trial\",\"width\":280,"
                        + "\"auto_color\":false,\"line_color\":{\"r\":0,\"g\":0,\"b\":0},\"is_hyaline\":true}"),
                Case.valid("unlimited, camelCase", "{\"requestId\":\"contract-camel\",\"type\":\"unlimited\",\"scene\":\"a=1&b=3\","
                        + "\"page\":\"pages/some/unpublished\",\"checkPath\":false,\"envVersion\":\"develop\",\"width\":1280,"
                        + "\"autoColor\":true,\"lineColor\":{\"r\":255,\"g\":128,\"b\":1},\"isHyaline\":false}"),
                Case.valid("limited, snake_case", "{\"type\":\"limited\",\"path\":\"pages/shop/detail?id=9&from=poster\","
                        + "\"env_version\":\"release\",\"width\":300,\"auto_color\":false,\"line_color\":{\"r\":10,\"g\":20,\"b\":30},"
                        + "\"is_hyaline\":true,\"requestId\":\"contract-limited\"}"),
                Case.valid("limited, camelCase", "{\"type\":\"limited\",\"path\":\"pages/shop/detail?id=10\",\"envVersion\":\"trial\","
                        + "\"autoColor\":true,\"lineColor\":{\"r\":1,\"g\":2,\"b\":3},\"isHyaline\":false}"),
                Case.valid("qrcode", "{\"type\":\"qrcode\",\"path\":\"pages/shop/detail?id=11\",\"width\":430,\"requestId\":\"qr-1\"}"),
                Case.valid("the other app", "{\"app\":\"shop\",\"scene\":\"shop=1\",\"page\":\"pages/index/index\"}"),
                Case.valid("the other app, limited", "{\"app\":\"shop\",\"type\":\"limited\",\"path\":\"pages/order/detail?o=1\"}"),
                Case.valid("null is not given", "{\"scene\":\"nulls=1\",\"requestId\":null,\"app\":null,\"type\":null,\"page\":null,"
                        + "\"path\":null,\"checkPath\":null,\"env_version\":null,\"width\":null,\"autoColor\":null,\"line_color\":null,"
                        + "\"isHyaline\":null}"),
                Case.valid("null for what limited does not take", "{\"type\":\"limited\",\"path\":\"pages/a?n=1\",\"scene\":null,"
                        + "\"page\":null,\"check_path\":null}"),
                Case.valid("null for what qrcode does not take", "{\"type\":\"qrcode\",\"path\":\"pages/a?n=2\",\"envVersion\":null,"
                        + "\"auto_color\":null,\"lineColor\":null,\"is_hyaline\":null,\"scene\":null}"),
                Case.valid("a scene of 32 characters, every one allowed", "{\"scene\":\"" + chars32 + "\"}"),
                Case.valid("scancode_time as a value in scene, or inside a longer key", "{\"scene\":\"a=scancode_time&scancode_times=1\"}"),
                Case.valid("scancode_time in a path's page, as a value, or in other case",
                        "{\"type\":\"limited\",\"path\":\"pages/scancode_time/x?a=scancode_time&SCANCODE_TIME=1&xscancode_time=2\"}"),
                Case.valid("a stray % in a path's query", "{\"type\":\"qrcode\",\"path\":\"pages/a?x=%zz&scancode%5Ftimes=1&scancode_time%=1\"}"),
                Case.valid("a page of 512 characters", "{\"scene\":\"long-page\",\"check_path\":false,\"page\":\"p/" + "x".repeat(510) + "\"}"),
                Case.valid("a limited path of 1024 characters", "{\"type\":\"limited\",\"path\":\"pages/a?q=" + "y".repeat(1014) + "\"}"),
                Case.valid("a qrcode path of 128 characters", "{\"type\":\"qrcode\",\"path\":\"pages/a?q=" + "z".repeat(118) + "\"}"),
                Case.valid("a requestId of 128 visible characters", "{\"scene\":\"rid=1\",\"requestId\":\"" + "!~".repeat(64) + "\"}"));
    }

    /** The examples in the schema and the OpenAPI document are requests too, and must work. */
    private static List<Case> publishedExamples() {
        List<Case> cases = new ArrayList<>();
        for (JsonNode example : ContractSchemas.document("schemas/" + ContractSchemas.REQUEST).path("examples")) {
            cases.add(Case.valid("the request schema's example", example.toString()));
        }
        ContractSchemas.document("openapi.json").at("/paths/~1api~1wxacode/post/requestBody/content/application~1json/examples")
                .fields().forEachRemaining(e -> cases.add(Case.valid("the OpenAPI example " + e.getKey(), e.getValue().path("value").toString())));
        assertTrue(cases.size() >= 5, "the published examples: " + cases.size());
        return cases;
    }

    /** Each rule, broken by as little as possible. */
    private static List<Case> nearMisses() {
        return List.of(
                Case.invalid("no scene", "{}"),
                Case.invalid("an empty scene", "{\"scene\":\"\"}"),
                Case.invalid("a scene of 33 characters", "{\"scene\":\"" + "s".repeat(33) + "\"}"),
                Case.invalid("a space in scene", "{\"scene\":\"a b\"}"),
                Case.invalid("a % in scene", "{\"scene\":\"a%20b\"}"),
                Case.invalid("a line break at the end of scene", "{\"scene\":\"a\\n\"}"),
                Case.invalid("scancode_time as scene's key", "{\"scene\":\"x=1&scancode_time\"}"),
                Case.invalid("a page with a leading /", "{\"scene\":\"a\",\"page\":\"/pages/index/index\"}"),
                Case.invalid("a page with a query", "{\"scene\":\"a\",\"page\":\"pages/index/index?a=1\"}"),
                Case.invalid("an empty page", "{\"scene\":\"a\",\"page\":\"\"}"),
                Case.invalid("a page of 513 characters", "{\"scene\":\"a\",\"check_path\":false,\"page\":\"p/" + "x".repeat(511) + "\"}"),
                Case.invalid("a page with a space", "{\"scene\":\"a\",\"page\":\"pages/a b\"}"),
                Case.invalid("path for unlimited", "{\"scene\":\"a\",\"path\":\"pages/a\"}"),
                Case.invalid("limited without path", "{\"type\":\"limited\"}"),
                Case.invalid("limited with a null path", "{\"type\":\"limited\",\"path\":null}"),
                Case.invalid("limited with an empty path", "{\"type\":\"limited\",\"path\":\"\"}"),
                Case.invalid("a limited path of 1025 characters", "{\"type\":\"limited\",\"path\":\"pages/a?q=" + "y".repeat(1015) + "\"}"),
                Case.invalid("a qrcode path of 129 characters", "{\"type\":\"qrcode\",\"path\":\"pages/a?q=" + "z".repeat(119) + "\"}"),
                Case.invalid("a space in path", "{\"type\":\"qrcode\",\"path\":\"pages/a?q=a b\"}"),
                Case.invalid("scancode_time in a path's query", "{\"type\":\"limited\",\"path\":\"pages/a?id=1&scancode_time=2\"}"),
                Case.invalid("scancode_time URL-encoded in a path's query", "{\"type\":\"qrcode\",\"path\":\"pages/a?%73cancode%5ftime=2\"}"),
                Case.invalid("scene for limited", "{\"type\":\"limited\",\"path\":\"pages/a\",\"scene\":\"a\"}"),
                Case.invalid("page for limited", "{\"type\":\"limited\",\"path\":\"pages/a\",\"page\":\"pages/a\"}"),
                Case.invalid("checkPath for limited", "{\"type\":\"limited\",\"path\":\"pages/a\",\"checkPath\":true}"),
                Case.invalid("env_version for qrcode", "{\"type\":\"qrcode\",\"path\":\"pages/a\",\"env_version\":\"release\"}"),
                Case.invalid("autoColor for qrcode", "{\"type\":\"qrcode\",\"path\":\"pages/a\",\"autoColor\":false}"),
                Case.invalid("line_color for qrcode", "{\"type\":\"qrcode\",\"path\":\"pages/a\",\"line_color\":{\"r\":0,\"g\":0,\"b\":0}}"),
                Case.invalid("isHyaline for qrcode", "{\"type\":\"qrcode\",\"path\":\"pages/a\",\"isHyaline\":true}"),
                Case.invalid("an unknown type", "{\"type\":\"LIMITED\",\"path\":\"pages/a\"}"),
                Case.invalid("an unknown env_version", "{\"scene\":\"a\",\"envVersion\":\"prod\"}"),
                Case.invalid("a width of 279", "{\"scene\":\"a\",\"width\":279}"),
                Case.invalid("a width of 1281", "{\"scene\":\"a\",\"width\":1281}"),
                Case.invalid("a fractional width", "{\"scene\":\"a\",\"width\":430.5}"),
                Case.invalid("a width as a string", "{\"scene\":\"a\",\"width\":\"430\"}"),
                Case.invalid("a colour component of 256", "{\"scene\":\"a\",\"lineColor\":{\"r\":256,\"g\":0,\"b\":0}}"),
                Case.invalid("a negative colour component", "{\"scene\":\"a\",\"line_color\":{\"r\":0,\"g\":-1,\"b\":0}}"),
                Case.invalid("a colour without b", "{\"scene\":\"a\",\"line_color\":{\"r\":0,\"g\":0}}"),
                Case.invalid("a null colour component", "{\"scene\":\"a\",\"line_color\":{\"r\":0,\"g\":0,\"b\":null}}"),
                Case.invalid("a colour with alpha", "{\"scene\":\"a\",\"line_color\":{\"r\":0,\"g\":0,\"b\":0,\"a\":1}}"),
                Case.invalid("a colour as a string", "{\"scene\":\"a\",\"line_color\":\"#000000\"}"),
                Case.invalid("check_path as a string", "{\"scene\":\"a\",\"check_path\":\"false\"}"),
                Case.invalid("both spellings", "{\"scene\":\"a\",\"check_path\":true,\"checkPath\":true}"),
                Case.invalid("both spellings, one null", "{\"scene\":\"a\",\"is_hyaline\":null,\"isHyaline\":true}"),
                Case.invalid("an empty requestId", "{\"scene\":\"a\",\"requestId\":\"\"}"),
                Case.invalid("a requestId of 129 characters", "{\"scene\":\"a\",\"requestId\":\"" + "r".repeat(129) + "\"}"),
                Case.invalid("a space in requestId", "{\"scene\":\"a\",\"requestId\":\"order 42\"}"),
                Case.invalid("a non-ASCII requestId", "{\"scene\":\"a\",\"requestId\":\"订单\"}"),
                Case.invalid("an app name in capitals", "{\"scene\":\"a\",\"app\":\"Shop\"}"),
                Case.invalid("an app name of 33 characters", "{\"scene\":\"a\",\"app\":\"" + "a".repeat(33) + "\"}"),
                Case.invalid("an empty app name", "{\"scene\":\"a\",\"app\":\"\"}"),
                Case.invalid("scancode_time as a field", "{\"scene\":\"a\",\"scancode_time\":1}"),
                Case.invalid("scancodeTime as a field", "{\"scene\":\"a\",\"scancodeTime\":1}"),
                Case.invalid("an unknown field", "{\"scene\":\"a\",\"Scene\":\"b\"}"),
                Case.invalid("an array", "[{\"scene\":\"a\"}]"));
    }

    /** One request for each known difference, so the list is shown to be real and is checked to stay complete. */
    private static List<Case> knownDifferences() {
        return List.of(
                new Case("a name given twice", "{\"scene\":\"a\",\"scene\":\"b\"}".getBytes(StandardCharsets.UTF_8), Expect.EITHER),
                new Case("an app not configured here", "{\"app\":\"mall\",\"scene\":\"a\"}".getBytes(StandardCharsets.UTF_8), Expect.EITHER),
                new Case("a valid request padded past the limit", ("{\"scene\":\"pad=1\"" + " ".repeat(MAX_REQUEST_BYTES) + "}")
                        .getBytes(StandardCharsets.UTF_8), Expect.EITHER),
                new Case("an integral width written as a decimal", "{\"scene\":\"a\",\"width\":430.0}".getBytes(StandardCharsets.UTF_8),
                        Expect.EITHER),
                new Case("a colour component with an exponent", "{\"scene\":\"a\",\"line_color\":{\"r\":1e2,\"g\":0,\"b\":0}}"
                        .getBytes(StandardCharsets.UTF_8), Expect.EITHER));
    }

    private static Answer send(byte[] body) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/wxacode"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalStack.TEST_API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.body(), JSON.readTree(response.body()));
    }

    private static boolean repeatsAName(byte[] body) {
        try {
            STRICT.readTree(body);
            return false;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("Duplicate field");
        }
    }

    /** The body as a parser that keeps a repeated name's last value reads it; missing when it is not JSON. */
    private static JsonNode lenient(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static boolean hasIntegralDecimal(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            return node.decimalValue().stripTrailingZeros().scale() <= 0;
        }
        for (JsonNode child : node) {
            if (hasIntegralDecimal(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean everyViolation(Answer answer, Predicate<JsonNode> rule) {
        JsonNode violations = answer.json().at("/error/violations");
        if (answer.status() != 400 || violations.isEmpty()) {
            return false;
        }
        for (JsonNode v : violations) {
            if (!rule.test(v)) {
                return false;
            }
        }
        return true;
    }

    private static String shown(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.length() > 160 ? text.substring(0, 160) + "…(" + bytes.length + " bytes)" : text;
    }
}
