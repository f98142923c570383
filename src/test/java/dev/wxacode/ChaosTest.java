package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.Chaos;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * 1000 Kafka requests (800 distinct, the rest repeats as platforms send them) while WeChat misbehaves
 * at random: -1 on 10 % of calls, HTTP 5xx on 5 %, 2 s stalls on 2 %, every token revoked on 1 %, and
 * bursts of five 45009s. Every request must get an ok reply, with one object per distinct request.
 */
class ChaosTest extends KafkaTestSupport {

    private static final int REQUESTS = 1000;
    private static final int DISTINCT = 800;

    @Test
    void everyRequestPassesThroughRandomFaultsWithOneObjectPerDistinctRequest() throws Exception {
        restartAppWith("wechat.pace.quota-pause-ms", "300");
        long objectsBefore = s3.listObjectsV2Paginator(b -> b.bucket(LocalStack.BUCKET)).contents().stream().count();
        sim().reset();
        sim().chaos(new Chaos(42L, 0.10, 0.05, 0.02, Duration.ofSeconds(2), 0.01, 0.005, 5));
        long started = System.nanoTime();

        for (int i = 0; i < REQUESTS; i++) {
            send(null, "c-" + i, "{\"scene\":\"chaos=" + (i % DISTINCT) + "\"}", Map.of());
        }
        awaitUntil(replies, list -> list.stream().map(r -> text(r.key())).filter(k -> k.startsWith("c-")).distinct().count() == REQUESTS,
                Duration.ofMinutes(4));
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        int codeCalls = sim().codeCalls();
        sim().chaos(null);

        Map<String, Set<String>> fileIdsByScene = new HashMap<>();
        Set<String> answered = new HashSet<>();
        int replyCount = 0;
        for (ConsumerRecord<byte[], byte[]> reply : records(replies, keyStartsWith("c-"))) {
            JsonNode body = JSON.readTree(reply.value());
            assertEquals("ok", body.path("status").asText(), body.toString());
            int i = Integer.parseInt(text(reply.key()).substring(2));
            answered.add(text(reply.key()));
            fileIdsByScene.computeIfAbsent("chaos=" + (i % DISTINCT), s -> new HashSet<>()).add(body.path("fileId").asText());
            replyCount++;
        }
        long objects = s3.listObjectsV2Paginator(b -> b.bucket(LocalStack.BUCKET)).contents().stream().count() - objectsBefore;
        int deadLettered = records(deadLetters, keyStartsWith("c-")).size();
        System.out.printf("chaos: %d requests (%d distinct) in %d s: %d answered ok (%d replies), %d objects, "
                        + "%d WeChat code calls (%.2f per request), %d token calls, %d dead letters%n",
                REQUESTS, DISTINCT, seconds, answered.size(), replyCount, objects, codeCalls,
                codeCalls / (double) REQUESTS, sim().tokenCalls(), deadLettered);

        assertEquals(REQUESTS, answered.size(), "every request answered ok");
        assertEquals(DISTINCT, fileIdsByScene.size());
        fileIdsByScene.forEach((scene, ids) -> assertEquals(1, ids.size(), scene + ": " + ids));
        assertEquals(DISTINCT, objects, "exactly one S3 object per distinct request");
        assertEquals(0, deadLettered, "faults are outages, never the message's fault");
        assertTrue(codeCalls <= REQUESTS * 1.25, codeCalls + " WeChat calls for " + REQUESTS + " requests");
    }
}
