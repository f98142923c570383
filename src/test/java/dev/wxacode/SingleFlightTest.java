package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.local.LocalStack;
import dev.wxacode.request.WxacodeRequest;
import dev.wxacode.store.ObjectKeys;
import software.amazon.awssdk.core.sync.RequestBody;
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

    /**
     * Across instances: another instance stores the same code while this one waits for WeChat. The
     * put is conditional (If-None-Match: *), S3 refuses it, and the reply names the object already
     * there, unchanged.
     */
    @Test
    void aCodeStoredMeanwhileByAnotherInstanceIsNotOverwritten() throws Exception {
        sim().holdCodeCallsAfter(0);
        String key = new ObjectKeys(LocalStack.APP_ID, "wxacode/").keyFor(
                WxacodeRequest.unlimited(null, "stored=elsewhere", null, null, null, null, null, null, null));
        CompletableFuture<Reply> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return post("{\"scene\":\"stored=elsewhere\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (sim().heldCalls() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, sim().heldCalls(), "the call is on the wire: nothing stored yet");
            byte[] theirs = "another instance's image".getBytes(StandardCharsets.UTF_8);
            s3.putObject(b -> b.bucket(LocalStack.BUCKET).key(key).contentType("image/png")
                    .metadata(Map.of("sha256", ObjectKeys.sha256Hex(theirs))), RequestBody.fromBytes(theirs));
            sim().releaseHeldCalls();
            Reply reply = answer.get();
            assertEquals(200, reply.status(), reply.body().toString());
            assertEquals(key, reply.body().path("key").asText());
            assertTrue(reply.body().path("reused").asBoolean(), "the object stored meanwhile is the answer: " + reply.body());
            assertEquals(ObjectKeys.sha256Hex(theirs), reply.body().path("sha256").asText());
            assertEquals(new String(theirs, StandardCharsets.UTF_8), object(key).asUtf8String(), "not overwritten");
        } finally {
            sim().releaseHeldCalls();
        }
    }
}
