package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.RawHttp.Answer;
import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API port as an untrusted client meets it, on raw sockets: the key is checked from the head
 * before any body is read, every refusal is the service's JSON, and slow, idle or surplus
 * connections are cut. Runs with a 2 s read timeout and 40 connections at most.
 */
class HttpEdgeTest extends PipelineTestSupport {

    private static final int READ_TIMEOUT_MS = 2000;
    private static final int MAX_CONNECTIONS = 40;
    private static final Duration PROMPTLY = Duration.ofSeconds(2);
    private static final String KEY = "Authorization: Bearer " + LocalStack.TEST_API_KEY + "\r\n";
    private static final String VALID = "{\"scene\":\"edge=1\"}";

    @BeforeAll
    static void shortDeadlines() throws Exception {
        stack.stopApp();
        stack.with("http.read-timeout-ms", Integer.toString(READ_TIMEOUT_MS))
                .with("http.max-connections", Integer.toString(MAX_CONNECTIONS))
                // a WeChat call may outlast the read timeout (aRequestBeingProcessedIsNotCutByTheReadTimeout)
                .with("wechat.response-timeout-ms", Integer.toString(READ_TIMEOUT_MS * 3));
        stack.startApp();
    }

    @Test
    void withoutAKeyA1MbUploadIsAnswered401BeforeItsBodyIsSentAndCut() throws Exception {
        try (RawHttp client = RawHttp.connect(stack.appUrl())) {
            // the head only: the server must answer without waiting for a single byte of the body
            client.send("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048000\r\n\r\n");
            Answer answer = client.read(PROMPTLY);

            assertEquals(401, answer.status());
            assertEquals("Bearer", answer.header("WWW-Authenticate"));
            assertError(answer, "unauthorized");
            // the server lingers for at most 64 KB more (none come) or the read timeout, then closes
            assertTrue(client.closedWithin(Duration.ofMillis(READ_TIMEOUT_MS).plus(PROMPTLY)), "a large unread body ends the connection");
        }
    }

    @Test
    void aKeyOrContentTypeInTheQueryStringCountsForNothing() throws Exception {
        String query = "/api/wxacode?Authorization=Bearer+" + LocalStack.TEST_API_KEY + "&Content-Type=application/json";
        Answer noHeaderKey = exchange("POST " + query + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + length(VALID) + "\r\n" + VALID);
        assertEquals(401, noHeaderKey.status(), noHeaderKey.body());

        Answer noHeaderType = exchange("POST " + query + " HTTP/1.1\r\nHost: x\r\n" + KEY + length(VALID) + "\r\n" + VALID);
        assertEquals(415, noHeaderType.status(), noHeaderType.body());
        assertError(noHeaderType, "unsupported_media_type");
        assertEquals(0, sim().codeCalls());
    }

    @Test
    void whatTheWebLayerRefusesIsAnsweredInTheServicesJsonShape() throws Exception {
        assertError(exchange("POST /nothing-here HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + KEY
                + length(VALID) + "\r\n" + VALID), 404, "not_found");
        assertError(exchange("GET /api/wxacode HTTP/1.1\r\nHost: x\r\n" + KEY + "\r\n"), 405, "method_not_allowed");
        String tooLong = "{\"scene\":\"" + "x".repeat(20_000) + "\"}";
        assertError(exchange("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + KEY
                + length(tooLong) + "\r\n" + tooLong), 413, "payload_too_large");
        assertError(exchange("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + KEY
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(tooLong.length()) + "\r\n" + tooLong + "\r\n0\r\n\r\n"),
                413, "payload_too_large");
        assertError(exchange("POST /api/wxacode HTTP/1.1\r\nHost: x\r\n" + KEY + "Content-Type: text/plain\r\n"
                + length(VALID) + "\r\n" + VALID), 415, "unsupported_media_type");
        assertError(exchange("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nX-Padding: " + "p".repeat(10_000) + "\r\n\r\n"),
                431, "request_header_fields_too_large");
        assertError(exchange("POST /api/wxacode?" + "q".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri_too_long");
        assertEquals(0, sim().codeCalls(), "nothing refused at the edge reaches WeChat");
    }

    @Test
    void aConnectionThatSendsNothingOrHalfAHeadIsClosedAfterTheReadTimeout() throws Exception {
        try (RawHttp silent = RawHttp.connect(stack.appUrl());
             RawHttp halfHead = RawHttp.connect(stack.appUrl())) {
            halfHead.send("POST /api/wxacode HTTP/1.1\r\nHost: x\r\n" + KEY);
            long start = System.nanoTime();
            assertTrue(silent.closedWithin(Duration.ofMillis(READ_TIMEOUT_MS * 3L)), "a silent connection is closed");
            assertTrue(halfHead.closedWithin(Duration.ofMillis(READ_TIMEOUT_MS)), "a half head is closed");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= READ_TIMEOUT_MS - 200, "not before the read timeout: " + waited + " ms");
        }
    }

    @Test
    void aBodyThatStallsIsAnswered408AndCut() throws Exception {
        try (RawHttp client = RawHttp.connect(stack.appUrl())) {
            client.send("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + KEY
                    + "Content-Length: 100\r\n\r\n{\"scene\":");
            Answer answer = client.read(Duration.ofMillis(READ_TIMEOUT_MS * 3L));

            assertError(answer, 408, "request_timeout");
            assertTrue(client.closedWithin(PROMPTLY));
        }
        assertEquals(0, sim().codeCalls());
    }

    @Test
    void aRequestBeingProcessedIsNotCutByTheReadTimeout() throws Exception {
        assertEquals(200, post(VALID).status(), "a token in the cache: only the code call below is slow");
        sim().latency(Duration.ofMillis(READ_TIMEOUT_MS + 500));
        try (RawHttp client = RawHttp.connect(stack.appUrl())) {
            client.send("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + KEY
                    + length("{\"scene\":\"edge=slow\"}") + "\r\n{\"scene\":\"edge=slow\"}");
            Answer answer = client.read(Duration.ofMillis(READ_TIMEOUT_MS * 4L));
            assertEquals(200, answer.status(), answer.body());

            // and the same connection then serves a second request (keep-alive), answered from S3
            client.send("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + KEY
                    + length(VALID) + "\r\n" + VALID);
            assertEquals(200, client.read(Duration.ofMillis(READ_TIMEOUT_MS * 4L)).status());
        } finally {
            sim().latency(Duration.ZERO);
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAsTheyAreAccepted() throws Exception {
        // the connections of other tests are gone after one read timeout
        Thread.sleep(READ_TIMEOUT_MS + 500L);
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                held.add(RawHttp.connect(stack.appUrl()));
            }
            try (RawHttp surplus = RawHttp.connect(stack.appUrl())) {
                assertTrue(surplus.closedWithin(Duration.ofMillis(READ_TIMEOUT_MS / 2)), "the surplus connection is closed at once");
            }
            assertFalse(held.get(0).closedWithin(Duration.ofMillis(100)), "the ones within the limit stay open until their deadline");
        } finally {
            for (RawHttp connection : held) {
                connection.close();
            }
        }
        Thread.sleep(200);
        assertEquals(200, post(VALID).status(), "served again once they are gone");
    }

    @Test
    void clientsThatAbortTheirUploadsLeaveNoErrorInTheLog() throws Exception {
        Path log = Path.of("target", "test-logs", "tests.log");
        long errorsBefore = errorLines(log);
        for (int i = 0; i < 20; i++) {
            try (RawHttp client = RawHttp.connect(stack.appUrl())) {
                client.send("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + KEY
                        + "Content-Length: 1000\r\n\r\n{\"scene\":\"ab");
            }
        }
        // and callers that leave while their request is with WeChat
        assertEquals(200, post(VALID).status(), "a token in the cache");
        sim().latency(Duration.ofMillis(500));
        try {
            for (int i = 0; i < 5; i++) {
                String body = "{\"scene\":\"edge=gone" + i + "\"}";
                try (RawHttp client = RawHttp.connect(stack.appUrl())) {
                    client.send("POST /api/wxacode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + KEY
                            + length(body) + "\r\n" + body);
                    Thread.sleep(100);
                }
            }
            Thread.sleep(1500);
        } finally {
            sim().latency(Duration.ZERO);
        }
        assertEquals(200, post(VALID).status());
        assertEquals(errorsBefore, errorLines(log), "aborted uploads and abandoned requests logged no ERROR or WARN");
    }

    private static long errorLines(Path log) throws Exception {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains(" ERROR ") || (l.contains(" WARN ") && (l.contains("vertx") || l.contains("platform"))))
                .count();
    }

    private static Answer exchange(String request) throws Exception {
        try (RawHttp client = RawHttp.connect(stack.appUrl())) {
            return client.send(request).read(PROMPTLY);
        }
    }

    private static String length(String body) {
        return "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n";
    }

    private static void assertError(Answer answer, int status, String code) throws Exception {
        assertEquals(status, answer.status(), answer.body());
        assertError(answer, code);
    }

    private static void assertError(Answer answer, String code) throws Exception {
        assertEquals("application/json", answer.header("Content-Type"), answer.toString());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals("error", body.path("status").asText(), answer.body());
        assertEquals(code, body.path("error").path("code").asText(), answer.body());
        assertFalse(body.path("error").path("message").asText().isBlank(), answer.body());
        assertFalse(body.path("requestId").asText().isBlank(), answer.body());
    }
}
