package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.local.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Identical requests in flight at once share one WeChat call and one put (SingleFlight): 200 at a
 * time over HTTP, and 200 records on the request topic, each make one call; with type limited,
 * WeChat's count of the app's limited codes (numUsed) goes up by one.
 */
class SingleFlightTest extends KafkaTestSupport {

    private static final int IDENTICAL = 200;

    @Test
    void identicalHttpRequestsInFlightMakeOneLimitedCodeCall() throws Exception {
        // slow enough that all 200 are in flight while the first call is on the wire
        sim().latency(Duration.ofMillis(800));
        sim().numUsed(LocalStack.APP_ID, 1);
        String body = "{\"type\":\"limited\",\"path\":\"pages/index/index?single=flight\"}";
        long objectsBefore = objectCount();
        List<Reply> answers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(IDENTICAL);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Reply>> futures = new ArrayList<>();
            for (int i = 0; i < IDENTICAL; i++) {
                futures.add(clients.submit(() -> {
                    start.await();
                    return post(body);
                }));
            }
            start.countDown();
            for (Future<Reply> future : futures) {
                answers.add(future.get());
            }
        } finally {
            clients.shutdownNow();
        }
        Set<String> fileIds = new HashSet<>();
        int generated = 0;
        for (Reply reply : answers) {
            assertEquals(200, reply.status(), reply.body().toString());
            fileIds.add(reply.body().path("fileId").asText());
            if (!reply.body().path("reused").asBoolean()) {
                generated++;
                assertEquals(2, reply.body().path("numUsed").asInt(), "the one that called WeChat has its count");
            } else {
                assertTrue(reply.body().path("numUsed").isMissingNode(), "the others did not call: no count");
            }
        }
        System.out.printf("single flight over HTTP: %d identical requests, %d WeChat calls, numUsed 1 -> %d%n",
                IDENTICAL, sim().limitedCodeCalls(), sim().numUsed(LocalStack.APP_ID));
        assertEquals(1, sim().limitedCodeCalls(), "one WeChat call for " + IDENTICAL + " identical requests");
        assertEquals(2, sim().numUsed(LocalStack.APP_ID), "one limited code spent");
        assertEquals(1, generated, "one answer made the object, the others reused it");
        assertEquals(1, fileIds.size());
        assertEquals(objectsBefore + 1, objectCount(), "one put");
    }

    @Test
    void identicalKafkaRequestsInFlightMakeOneCall() throws Exception {
        sim().latency(Duration.ofMillis(800));
        long objectsBefore = objectCount();
        // over all three partitions: one instance owns them all here, so they meet in its window
        for (int i = 0; i < IDENTICAL; i++) {
            send(i % 3, "sf-" + i, "{\"scene\":\"single=flight\"}", Map.of());
        }
        List<ConsumerRecord<byte[], byte[]>> out = awaitUntil(replies, allKeysPresent("sf-", IDENTICAL));
        Set<String> fileIds = new HashSet<>();
        Set<String> generatedBy = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> reply : out) {
            if (!text(reply.key()).startsWith("sf-")) {
                continue;
            }
            JsonNode body = JSON.readTree(reply.value());
            assertEquals("ok", body.path("status").asText(), body.toString());
            fileIds.add(body.path("fileId").asText());
            if (!body.path("reused").asBoolean()) {
                generatedBy.add(text(reply.key()));
            }
        }
        System.out.printf("single flight over Kafka: %d identical requests, %d WeChat calls%n", IDENTICAL, sim().codeCalls());
        assertEquals(1, sim().codeCalls(), "one WeChat call for " + IDENTICAL + " identical records");
        assertEquals(1, generatedBy.size(), "one answer made the object: " + generatedBy);
        assertEquals(1, fileIds.size());
        assertEquals(objectsBefore + 1, objectCount(), "one put");
    }
}
