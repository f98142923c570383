package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of shared/wechat-api.md answered with 400 before anything is asked of WeChat. */
class ValidationOverHttpTest extends PipelineTestSupport {

    static Stream<Arguments> brokenRequests() {
        return Stream.of(
                Arguments.of("{}", "scene", "is required"),
                Arguments.of("{\"scene\":\"\"}", "scene", "must be 1 to 32 characters"),
                Arguments.of("{\"scene\":\"123456789012345678901234567890123\"}", "scene", "must be 1 to 32 characters"),
                Arguments.of("{\"scene\":\"a%20b\"}", "scene", "may only contain"),
                Arguments.of("{\"scene\":\"a b\"}", "scene", "may only contain"),
                Arguments.of("{\"scene\":\"订单\"}", "scene", "may only contain"),
                Arguments.of("{\"scene\":42}", "scene", "must be a string"),
                Arguments.of("{\"scene\":\"a\",\"page\":\"/pages/index/index\"}", "page", "must not start with /"),
                Arguments.of("{\"scene\":\"a\",\"page\":\"pages/index/index?x=1\"}", "page", "must not carry a query string"),
                Arguments.of("{\"scene\":\"a\",\"page\":\"\"}", "page", "must not be empty"),
                Arguments.of("{\"scene\":\"a\",\"width\":279}", "width", "between 280 and 1280"),
                Arguments.of("{\"scene\":\"a\",\"width\":1281}", "width", "between 280 and 1280"),
                Arguments.of("{\"scene\":\"a\",\"width\":\"430\"}", "width", "must be an integer"),
                Arguments.of("{\"scene\":\"a\",\"width\":430.5}", "width", "must be an integer"),
                Arguments.of("{\"scene\":\"a\",\"env_version\":\"\"}", "env_version", "must be one of release, trial, develop"),
                Arguments.of("{\"scene\":\"a\",\"envVersion\":\"prod\"}", "env_version", "must be one of release, trial, develop"),
                Arguments.of("{\"scene\":\"a\",\"check_path\":\"false\"}", "check_path", "must be true or false"),
                Arguments.of("{\"scene\":\"a\",\"autoColor\":1}", "autoColor", "must be true or false"),
                Arguments.of("{\"scene\":\"a\",\"is_hyaline\":\"yes\"}", "is_hyaline", "must be true or false"),
                Arguments.of("{\"scene\":\"a\",\"line_color\":{\"r\":256,\"g\":0,\"b\":0}}", "line_color.r", "between 0 and 255"),
                Arguments.of("{\"scene\":\"a\",\"lineColor\":{\"r\":0,\"g\":-1,\"b\":0}}", "lineColor.g", "between 0 and 255"),
                Arguments.of("{\"scene\":\"a\",\"line_color\":{\"r\":0,\"g\":0}}", "line_color.b", "is required"),
                Arguments.of("{\"scene\":\"a\",\"line_color\":{\"r\":0,\"g\":0,\"b\":0,\"a\":1}}", "line_color.a", "is not a known field"),
                Arguments.of("{\"scene\":\"a\",\"line_color\":\"#000000\"}", "line_color", "must be an object"),
                Arguments.of("{\"scene\":\"a\",\"scancode_time\":1700000000}", "scancode_time", "reserved by WeChat"),
                Arguments.of("{\"scene\":\"a\",\"url\":\"pages/index/index\"}", "url", "is not a known field"),
                Arguments.of("{\"scene\":\"a\",\"path\":\"pages/index/index\"}", "path", "is for type limited or qrcode"),
                Arguments.of("{\"type\":\"square\",\"path\":\"pages/index/index\"}", "type", "must be one of unlimited, limited, qrcode"),
                Arguments.of("{\"type\":\"qrcode\",\"path\":\"pages/a\",\"is_hyaline\":true}", "is_hyaline", "is not used by type qrcode"),
                Arguments.of("{\"app\":\"mall\",\"scene\":\"a\"}", "app", "must be one of the configured apps: default"),
                Arguments.of("{\"scene\":\"a\",\"env_version\":\"trial\",\"envVersion\":\"trial\"}", "envVersion", "is given twice"),
                Arguments.of("{\"scene\":\"a\",\"requestId\":\"has space\"}", "requestId", "visible ASCII"),
                Arguments.of("{\"scene\":\"a\"", "body", "is not valid JSON"),
                Arguments.of("not json", "body", "is not valid JSON"),
                Arguments.of("[{\"scene\":\"a\"}]", "body", "must be a JSON object"),
                Arguments.of("", "body", "is empty"));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @MethodSource("brokenRequests")
    void eachRuleIsAnsweredWith400NamingTheFieldAndTheRule(String body, String field, String rule) throws Exception {
        Reply reply = post(body);

        assertEquals(400, reply.status(), reply.body().toString());
        assertEquals("error", reply.text("status"));
        JsonNode error = reply.error();
        assertEquals("invalid_request", error.path("code").asText());
        assertFalse(error.path("retryable").asBoolean(true));
        boolean named = false;
        for (JsonNode violation : error.path("violations")) {
            named |= violation.path("field").asText().equals(field) && violation.path("rule").asText().contains(rule);
        }
        assertTrue(named, "expected a violation of " + field + " saying '" + rule + "' in " + error);
        assertTrue(error.path("message").asText().contains(field), error.path("message").asText());
        assertEquals(0, sim().codeCalls(), "nothing invalid reaches WeChat");
        assertEquals(0, sim().tokenCalls(), "nor costs a token");
    }

    @Test
    void allProblemsAreReportedAtOnceAndTheRequestIdIsKept() throws Exception {
        Reply reply = post("{\"requestId\":\"r-9\",\"scene\":\"a b\",\"page\":\"/x\",\"width\":5,\"foo\":1}");

        assertEquals(400, reply.status());
        assertEquals("r-9", reply.text("requestId"));
        assertEquals(4, reply.error().path("violations").size(), reply.error().toString());
    }

    @Test
    void aBodyOverTheLimitIsAnswered413() throws Exception {
        String big = "{\"scene\":\"a\",\"page\":\"pages/" + "x".repeat(17 * 1024) + "\"}";

        Reply reply = post(big);

        assertEquals(413, reply.status());
        assertEquals("payload_too_large", reply.error().path("code").asText());
        assertTrue(reply.error().path("message").asText().contains("16384"));
        assertEquals(0, sim().codeCalls());
    }
}
