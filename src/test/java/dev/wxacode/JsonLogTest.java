package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.local.ForkedApp;
import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.Test;

/** LOG_FORMAT=json: the production logging setup writes one JSON object per line, for log shippers. */
class JsonLogTest extends PipelineTestSupport {

    @Test
    void everyLineIsAJsonObjectAndTheRequestLineIsAmongThem() throws Exception {
        List<JsonNode> lines = runForked(Map.of(), Map.of(), "json-log-1", "json-log");

        assertTrue(lines.size() > 10, lines.size() + " lines");
        lines.forEach(l -> assertTrue(l.has("@timestamp") && l.has("log.level") && l.has("message"), l.toString()));
        JsonNode request = requestLine(lines, "json-log-1");
        assertTrue(request.path("message").asText().startsWith("Request json-log-1 over http for app default (unlimited): ok, stored s3://"),
                request.toString());
        assertEquals("json-log-1", request.path("wxacode.request_id").asText(), "the request id, a field of its own");
        assertFalse(request.has("trace.id"), "no trace with tracing off: " + request);
    }

    /** With tracing on (the SDK configured from OTEL_* variables, as deployed), the trace id too. */
    @Test
    void theRequestLineNamesItsTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Map<String, String> tracing = Map.of(
                "wxacode.tracing.enabled", "true",
                // no collector here: the spans are made, and dropped
                "otel.traces.exporter", "none");

        List<JsonNode> lines = runForked(tracing, Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"),
                "json-log-2", "json-trace");

        JsonNode request = requestLine(lines, "json-log-2");
        assertEquals(traceId, request.path("trace.id").asText(), request.toString());
        assertEquals("json-log-2", request.path("wxacode.request_id").asText(), request.toString());
    }

    /** The app forked with the production logging in JSON, one request sent, and every line it wrote. */
    private static List<JsonNode> runForked(Map<String, String> extraProperties, Map<String, String> headers, String requestId,
                                            String scene) throws Exception {
        Map<String, String> properties = new HashMap<>(stack.appProperties());
        int port = LocalStack.freePort();
        properties.put("http.port", Integer.toString(port));
        properties.put("management.port", Integer.toString(LocalStack.freePort()));
        properties.put("kafka.enabled", "false");
        // an environment variable of the deployment, not an app property: LOG_FORMAT
        properties.put("log.format", "json");
        properties.putAll(extraProperties);
        Path log = Path.of("target", "test-logs", requestId + "-app.log");
        try (ForkedApp app = ForkedApp.fromClasspath(properties, log)) {
            app.awaitReady("http://127.0.0.1:" + properties.get("management.port"), Duration.ofSeconds(60));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/wxacode"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + LocalStack.TEST_API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\":\"" + requestId + "\",\"scene\":\"" + scene + "\"}"));
            headers.forEach(request::header);
            HttpResponse<String> reply = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reply.statusCode(), reply.body());
            app.stop();
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static JsonNode requestLine(List<JsonNode> lines, String requestId) {
        return lines.stream()
                .filter(l -> l.path("log.logger").asText().equals("dev.wxacode.requests")
                        && l.path("message").asText().startsWith("Request " + requestId + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no line for request " + requestId + " in " + lines));
    }
}
