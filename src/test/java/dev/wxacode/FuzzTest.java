package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.MalformedRequests.Malformed;
import dev.wxacode.local.LocalStack;
import dev.wxacode.text.Untrusted;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * 250 generated malformed requests over HTTP and the same over Kafka: each is refused with an error
 * that names the problem, none is a 500 or a stuck partition, and the service still works after.
 */
class FuzzTest extends KafkaTestSupport {

    private static final long SEED = 20261125L;
    private static final int COUNT = 250;
    private static final Set<String> REFUSALS = Set.of("invalid_request", "payload_too_large");
    /** Refusals quote what was sent only in short, escaped pieces: a 16 KB value does not come back. */
    private static final int MAX_REPLY = 4096;

    @Test
    void overHttpEveryMalformedRequestIsA4xxNamingTheProblem() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<Integer, Integer> statuses = new HashMap<>();
        for (Malformed m : MalformedRequests.generate(SEED, COUNT)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/wxacode"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + LocalStack.TEST_API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(m.body())).build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(response.statusCode(), 1, Integer::sum);
            assertTrue(response.statusCode() == 400 || response.statusCode() == 413, m.kind() + ": " + response.statusCode());
            assertNamesTheProblem(m.kind(), JSON.readTree(response.body()));
            assertTrue(response.body().length() < MAX_REPLY, m.kind() + ": a reply of " + response.body().length() + " characters");
        }
        System.out.printf("fuzz over HTTP: %d malformed requests, statuses %s%n", COUNT, statuses);
        assertEquals(0, sim().codeCalls(), "nothing malformed reaches WeChat");
        assertEquals(200, post("{\"scene\":\"after-http-fuzz\"}").status(), "still serving");
    }

    @Test
    void overKafkaEveryMalformedRequestIsAnsweredAndDeadLetteredAndNothingIsStuck() throws Exception {
        List<Malformed> all = MalformedRequests.generate(SEED + 1, COUNT);
        for (int i = 0; i < all.size(); i++) {
            send(0, "f-" + i, all.get(i).body(), Map.of());
        }
        // behind all of them on the same partition: a valid request
        send(0, "f-valid", "{\"scene\":\"after-kafka-fuzz\"}", Map.of());

        // every key there, not merely enough records: a duplicate must not stand in for a missing reply
        Set<String> expectedReplies = new TreeSet<>();
        for (int i = 0; i < COUNT; i++) {
            expectedReplies.add("f-" + i);
        }
        Set<String> expectedDeadLetters = Set.copyOf(expectedReplies);
        expectedReplies.add("f-valid");
        awaitKeys(replies, expectedReplies);
        awaitKeys(deadLetters, expectedDeadLetters);

        // read again after both waits, so a late duplicate of an early reply is seen too
        List<ConsumerRecord<byte[], byte[]>> out = records(replies, keyStartsWith("f-"));
        Map<String, Integer> replyKeys = keysOf(out);
        assertEquals(Set.of(), difference(expectedReplies, replyKeys.keySet()), "requests without a reply");
        assertEquals(Set.of(), difference(replyKeys.keySet(), expectedReplies), "replies to no request");
        assertEquals(Map.of(), moreThanOnce(replyKeys), "replies sent more than once");
        Map<String, Integer> deadLetterKeys = keysOf(records(deadLetters, keyStartsWith("f-")));
        assertEquals(Set.of(), difference(expectedDeadLetters, deadLetterKeys.keySet()), "malformed requests not dead-lettered");
        assertEquals(Set.of(), difference(deadLetterKeys.keySet(), expectedDeadLetters), "dead letters of no malformed request");
        assertEquals(Map.of(), moreThanOnce(deadLetterKeys), "dead letters sent more than once");

        Map<String, Integer> codes = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> reply : out) {
            String key = text(reply.key());
            JsonNode body = JSON.readTree(reply.value());
            if (key.equals("f-valid")) {
                assertEquals("ok", body.path("status").asText(), body.toString());
                continue;
            }
            Malformed m = all.get(Integer.parseInt(key.substring(2)));
            codes.merge(body.path("error").path("code").asText(), 1, Integer::sum);
            assertNamesTheProblem(m.kind(), body);
            assertTrue(reply.value().length < MAX_REPLY, m.kind() + ": a reply of " + reply.value().length + " bytes");
        }
        System.out.printf("fuzz over Kafka: %d malformed requests, error codes %s, replies %d (keys %d), dead letters %d%n",
                COUNT, codes, out.size(), replyKeys.size(), deadLetterKeys.size());
    }

    /** Until every expected key is on the topic, or WAIT has passed: the assertions that follow say what is missing. */
    private static void awaitKeys(String topic, Set<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!keysOf(records(topic, keyStartsWith("f-"))).keySet().containsAll(expected) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
    }

    private static Set<String> difference(Set<String> from, Set<String> without) {
        Set<String> left = new TreeSet<>(from);
        left.removeAll(without);
        return left;
    }

    /** How many records carry each key. */
    private static Map<String, Integer> keysOf(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Integer> keys = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.key() != null && text(r.key()).startsWith("f-")) {
                keys.merge(text(r.key()), 1, Integer::sum);
            }
        }
        return keys;
    }

    private static Map<String, Integer> moreThanOnce(Map<String, Integer> keys) {
        Map<String, Integer> repeated = new TreeMap<>(keys);
        repeated.values().removeIf(n -> n == 1);
        return repeated;
    }

    private static void assertNamesTheProblem(String kind, JsonNode reply) {
        assertEquals("error", reply.path("status").asText(), kind);
        JsonNode error = reply.path("error");
        assertTrue(REFUSALS.contains(error.path("code").asText()), kind + ": " + error);
        assertFalse(error.path("message").asText().isBlank(), kind);
        assertTrue(Untrusted.isPrintable(error.path("message").asText()), kind + ": a line break or control character in " + error);
        assertFalse(error.path("retryable").asBoolean(true), kind);
        if (error.path("code").asText().equals("invalid_request")) {
            assertTrue(error.path("violations").size() > 0, kind);
            for (JsonNode v : error.path("violations")) {
                assertFalse(v.path("field").asText().isBlank(), kind + ": " + v);
                assertFalse(v.path("rule").asText().isBlank(), kind + ": " + v);
                assertTrue(Untrusted.isPrintable(v.path("field").asText()) && Untrusted.isPrintable(v.path("rule").asText()),
                        kind + ": " + v);
            }
        }
        String violations = error.path("violations").toString();
        if (kind.startsWith("scancode_time")) {
            assertTrue(violations.contains("85096"), kind + ": " + error);
        } else if (kind.equals("trailing content")) {
            assertTrue(violations.contains("content after the JSON value"), kind + ": " + error);
        }
    }
}
