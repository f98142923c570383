package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Map<String, String> properties = new HashMap<>(stack.appProperties());
        int port = LocalStack.freePort();
        properties.put("http.port", Integer.toString(port));
        properties.put("management.port", Integer.toString(LocalStack.freePort()));
        properties.put("kafka.enabled", "false");
        // an environment variable of the deployment, not an app property: LOG_FORMAT
        properties.put("log.format", "json");
        Path log = Path.of("target", "test-logs", "json-app.log");
        try (ForkedApp app = ForkedApp.fromClasspath(properties, log)) {
            app.awaitReady("http://127.0.0.1:" + properties.get("management.port"), Duration.ofSeconds(60));
            HttpResponse<String> reply = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/wxacode"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + LocalStack.TEST_API_KEY)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\":\"json-log-1\",\"scene\":\"json-log\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reply.statusCode(), reply.body());
            app.stop();
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertTrue(lines.size() > 10, lines.size() + " lines");
        lines.forEach(l -> assertTrue(l.has("@timestamp") && l.has("log.level") && l.has("message"), l.toString()));
        assertTrue(lines.stream().anyMatch(l -> l.path("log.logger").asText().equals("dev.wxacode.requests")
                        && l.path("message").asText().startsWith("Request json-log-1 over http for app default (unlimited): ok, stored s3://")),
                "the request's line");
    }
}
