package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.kafka.KafkaEnvelope;
import dev.wxacode.kafka.SpringDeadLetterHeaders;
import dev.wxacode.local.Await;
import dev.wxacode.local.ForkedApp;
import dev.wxacode.local.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** Requests through a real broker: request topic in, reply topic and dead-letter topic out. */
class KafkaPipelineTest extends KafkaTestSupport {

    @Test
    void everyRequestGetsOneReplyUnderItsKeyWithItsIds() throws Exception {
        int n = 30;
        for (int i = 0; i < n; i++) {
            String requestId = i % 3 == 0 ? ",\"requestId\":\"body-" + i + "\"" : "";
            Map<String, String> headers = new HashMap<>();
            headers.put("correlationId", "corr-" + i);
            if (i % 3 == 1) {
                headers.put("requestId", "header-" + i);
            }
            send(null, "n-" + i, "{\"scene\":\"n=" + i + "\"" + requestId + "}", headers);
        }

        List<ConsumerRecord<byte[], byte[]>> out = await(replies, keyStartsWith("n-"), n);

        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> reply : out) {
            String key = text(reply.key());
            int i = Integer.parseInt(key.substring(2));
            assertTrue(keys.add(key), "one reply per request: " + key);
            JsonNode body = JSON.readTree(reply.value());
            assertEquals("ok", body.path("status").asText(), body.toString());
            String expectedId = i % 3 == 0 ? "body-" + i : i % 3 == 1 ? "header-" + i : null;
            String requestId = body.path("requestId").asText();
            if (expectedId != null) {
                assertEquals(expectedId, requestId);
            } else {
                assertTrue(requestId.matches("[0-9a-f-]{36}"), "generated: " + requestId);
            }
            assertEquals(requestId, header(reply, "requestId"));
            assertEquals("corr-" + i, header(reply, "correlationId"));
            assertTrue(s3.headObject(b -> b.bucket(LocalStack.BUCKET).key(body.path("key").asText())).contentLength() > 0);
        }
        assertEquals(n, keys.size());
        assertTrue(records(deadLetters, keyStartsWith("n-")).isEmpty());
    }

    @Test
    void aPoisonMessageIsDeadLetteredAndDoesNotBlockTheOnesBehindIt() throws Exception {
        byte[] malformed = "{\"scene\": not json".getBytes(StandardCharsets.UTF_8);
        byte[] invalid = "{\"scene\":\"has space\"}".getBytes(StandardCharsets.UTF_8);
        byte[] refused = "{\"scene\":\"p=4\",\"page\":\"pages/not/published\"}".getBytes(StandardCharsets.UTF_8);
        // one partition, so the valid requests really are behind the poison ones
        send(0, "p-1", "{\"scene\":\"p=1\"}", Map.of());
        RecordMetadata malformedAt = send(0, "p-2", malformed, Map.of());
        RecordMetadata invalidAt = send(0, "p-3", invalid, Map.of());
        RecordMetadata refusedAt = send(0, "p-4", refused, Map.of());
        send(0, "p-5", "{\"scene\":\"p=5\"}", Map.of());

        Map<String, JsonNode> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> reply : await(replies, keyStartsWith("p-"), 5)) {
            byKey.put(text(reply.key()), JSON.readTree(reply.value()));
        }
        assertEquals("ok", byKey.get("p-1").path("status").asText());
        assertEquals("ok", byKey.get("p-5").path("status").asText());
        assertEquals("invalid_request", byKey.get("p-2").path("error").path("code").asText());
        assertEquals("invalid_request", byKey.get("p-3").path("error").path("code").asText());
        assertEquals("wechat_rejected", byKey.get("p-4").path("error").path("code").asText());
        assertEquals(41030, byKey.get("p-4").path("error").path("errcode").asInt());

        Map<String, ConsumerRecord<byte[], byte[]>> letters = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : await(deadLetters, keyStartsWith("p-"), 3)) {
            letters.put(text(letter.key()), letter);
        }
        assertEquals(Set.of("p-2", "p-3", "p-4"), letters.keySet());
        assertDeadLetter(letters.get("p-2"), malformed, malformedAt, "invalid_request", "not valid JSON");
        assertDeadLetter(letters.get("p-3"), invalid, invalidAt, "invalid_request", "scene");
        assertDeadLetter(letters.get("p-4"), refused, refusedAt, "wechat_rejected", "41030");
    }

    @Test
    void aStorageOutageDelaysRequestsButLosesAndDeadLettersNone() throws Exception {
        stack.s3().stopServing();
        try {
            for (int i = 0; i < 8; i++) {
                send(null, "s-" + i, "{\"scene\":\"s3down=" + i + "\"}", Map.of());
            }
            Thread.sleep(4000);
            assertTrue(records(replies, keyStartsWith("s-")).isEmpty(), "nothing is answered while S3 is down");
        } finally {
            stack.s3().resumeServing();
        }

        List<ConsumerRecord<byte[], byte[]>> out = await(replies, keyStartsWith("s-"), 8);

        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> reply : out) {
            assertEquals("ok", JSON.readTree(reply.value()).path("status").asText());
            keys.add(text(reply.key()));
        }
        assertEquals(8, keys.size());
        assertTrue(records(deadLetters, keyStartsWith("s-")).isEmpty(), "an outage is not the message's fault");
    }

    @Test
    void aCrashMidBatchLosesNoRequestDuplicatesNoObjectAndRedoesOnlyTheCallsInFlight() throws Exception {
        long objectsBefore = objectCount();
        // the in-process app steps aside; a forked one (same group) takes the requests and is killed
        stack.stopApp();
        int distinct = 12;
        int partitions = 3;
        // WeChat answers the first 3 calls and then holds every call unanswered: the kill comes while
        // calls are in flight, with exactly 3 requests done, however slow the machine
        int passing = 3;
        sim().holdCodeCallsAfter(passing);
        // a scene's request and its repeat on one partition, the 4 originals of each partition first:
        // the window takes all 24 at once, so a repeat shares its original's call (SingleFlight) or
        // finds its object stored, and every other scene's call is in flight at the kill
        for (int i = 0; i < distinct * 2; i++) {
            int scene = i % distinct;
            send(scene % partitions, "k-" + i, "{\"scene\":\"crash=" + scene + "\"}", Map.of());
        }
        Set<String> allScenes = new HashSet<>();
        for (int scene = 0; scene < distinct; scene++) {
            allScenes.add("crash=" + scene);
        }
        Set<String> storedAtKill = new HashSet<>();
        Set<String> heldAtKill;
        List<String> calledBeforeKill;
        int repliesAtKill;
        long objectsAtKill;
        try (ForkedApp forked = forkedAppToKill()) {
            awaitCount(replies, keyStartsWith("k-"), passing);
            awaitCondition(() -> sim().heldCalls() >= 1, "a call held in flight");
            forked.kill();
            // nothing could pass the held calls, so this is the state at the kill
            List<ConsumerRecord<byte[], byte[]>> answered = records(replies, keyStartsWith("k-"));
            repliesAtKill = answered.size();
            for (ConsumerRecord<byte[], byte[]> reply : answered) {
                storedAtKill.add("crash=" + Integer.parseInt(text(reply.key()).substring(2)) % distinct);
            }
            objectsAtKill = objectCount() - objectsBefore;
            // still held: a call the dead app had on the wire is held too, not answered
            heldAtKill = sim().heldScenes();
            calledBeforeKill = sim().calledScenes();
        } finally {
            sim().releaseHeldCalls();
        }
        System.out.printf("crash: killed with %d of %d requests answered, %d objects stored, %d calls in flight %s%n",
                repliesAtKill, distinct * 2, objectsAtKill, heldAtKill.size(), heldAtKill);
        assertTrue(repliesAtKill >= passing && repliesAtKill <= 2 * passing,
                "killed in the middle: only the requests whose calls were answered (and their repeats) are answered: " + repliesAtKill);
        assertEquals(passing, objectsAtKill, "and stored");
        assertEquals(passing, storedAtKill.size());
        assertTrue(!heldAtKill.isEmpty() && heldAtKill.size() <= distinct - passing, "calls in flight at the kill: " + heldAtKill);
        assertEquals(passing + heldAtKill.size(), calledBeforeKill.size(), "one call per scene the forked app took: " + calledBeforeKill);

        stack.startApp();
        awaitUntil(replies, allKeysPresent("k-", distinct * 2));

        Map<String, Set<String>> fileIdsByScene = new HashMap<>();
        Map<String, Set<Integer>> generatedBy = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> reply : records(replies, keyStartsWith("k-"))) {
            JsonNode body = JSON.readTree(reply.value());
            assertEquals("ok", body.path("status").asText(), body.toString());
            int i = Integer.parseInt(text(reply.key()).substring(2));
            fileIdsByScene.computeIfAbsent("crash=" + (i % distinct), s -> new HashSet<>()).add(body.path("fileId").asText());
            if (!body.path("reused").asBoolean()) {
                generatedBy.computeIfAbsent("crash=" + (i % distinct), s -> new HashSet<>()).add(i);
            }
        }
        List<String> all = sim().calledScenes();
        List<String> calledAfterRestart = all.subList(calledBeforeKill.size(), all.size());
        Set<String> redone = new HashSet<>(calledAfterRestart);
        redone.retainAll(calledBeforeKill);
        System.out.printf("crash: %d requests (%d distinct) answered after the restart; %d WeChat code calls in all, "
                        + "%d after the restart, %d of them redone (%s); %d replies in all (a request answered before the kill "
                        + "and redelivered is answered again, reused)%n",
                distinct * 2, distinct, all.size(), calledAfterRestart.size(), redone.size(), redone,
                records(replies, keyStartsWith("k-")).size());

        assertEquals(distinct, fileIdsByScene.size());
        fileIdsByScene.forEach((scene, ids) -> assertEquals(1, ids.size(), scene + " has one object: " + ids));
        assertEquals(objectsBefore + distinct, objectCount(), "exactly one S3 object per distinct request");
        assertTrue(records(deadLetters, keyStartsWith("k-")).isEmpty());
        // work redone after the re-poll: only the calls in flight at the kill
        Set<String> expectedAfter = new HashSet<>(allScenes);
        expectedAfter.removeAll(storedAtKill);
        assertEquals(expectedAfter, new HashSet<>(calledAfterRestart),
                "after the restart WeChat is asked for every scene not stored at the kill, and for no stored one");
        assertEquals(expectedAfter.size(), calledAfterRestart.size(), "once each: " + calledAfterRestart);
        assertEquals(heldAtKill, redone, "the only calls made twice are those in flight at the kill");
        assertTrue(all.size() <= distinct + heldAtKill.size(), all.size() + " WeChat calls for " + distinct
                + " distinct requests and " + heldAtKill.size() + " calls in flight at the kill");
        assertEquals(allScenes, generatedBy.keySet());
        generatedBy.forEach((scene, requests) -> assertEquals(1, requests.size(),
                scene + ": one of its requests made the object, every other answer reused it: " + requests));
    }

    @Test
    void aCrashWithAFullWindowAcrossPartitionsLosesNothingAndStoresEachCodeOnce() throws Exception {
        long objectsBefore = objectCount();
        stack.stopApp();
        int distinct = 40;
        int copies = 3;
        int passing = 10;
        sim().holdCodeCallsAfter(passing);
        // each scene three times, on all three partitions: 120 records, far more than one poll
        for (int i = 0; i < distinct * copies; i++) {
            send(i % 3, "w-" + i, "{\"scene\":\"window=" + (i % distinct) + "\"}", Map.of());
        }
        int heldAtKill;
        int repliesAtKill;
        try (ForkedApp forked = forkedAppToKill()) {
            // some requests answered, and the window full of held calls (a third of the scenes at least)
            awaitCondition(() -> sim().heldCalls() >= distinct / 3 && records(replies, keyStartsWith("w-")).size() >= passing / 2,
                    "requests answered and calls held in flight");
            forked.kill();
            heldAtKill = sim().heldCalls();
            repliesAtKill = records(replies, keyStartsWith("w-")).size();
        } finally {
            sim().releaseHeldCalls();
        }
        stack.startApp();
        List<ConsumerRecord<byte[], byte[]>> out = awaitUntil(replies, allKeysPresent("w-", distinct * copies));

        Map<String, Set<String>> fileIdsByScene = new HashMap<>();
        int answers = 0;
        for (ConsumerRecord<byte[], byte[]> reply : out) {
            if (!text(reply.key()).startsWith("w-")) {
                continue;
            }
            answers++;
            JsonNode body = JSON.readTree(reply.value());
            assertEquals("ok", body.path("status").asText(), body.toString());
            int i = Integer.parseInt(text(reply.key()).substring(2));
            fileIdsByScene.computeIfAbsent("window=" + (i % distinct), k -> new HashSet<>()).add(body.path("fileId").asText());
        }
        System.out.printf("window crash: killed with %d calls held and %d of %d requests answered; after the restart all "
                        + "answered (%d replies, the redelivered ones reused), %d WeChat calls in all%n",
                heldAtKill, repliesAtKill, distinct * copies, answers, sim().codeCalls());
        assertEquals(distinct, fileIdsByScene.size());
        fileIdsByScene.forEach((scene, ids) -> assertEquals(1, ids.size(), scene + " has one object: " + ids));
        assertEquals(objectsBefore + distinct, objectCount(), "exactly one S3 object per distinct request");
        assertTrue(records(deadLetters, keyStartsWith("w-")).isEmpty());
    }

    @Test
    void aConfigurationFaultHoldsRequestsBackWithoutDeadLetteringThemOrHammeringWechat() throws Exception {
        try {
            restartAppWith("wechat.app.secret", "not-the-secret");
            sim().reset();
            send(null, "cfg-1", "{\"scene\":\"config=1\"}", Map.of());
            Thread.sleep(4000);

            assertTrue(records(replies, keyStartsWith("cfg-")).isEmpty(), "not answered while the secret is wrong");
            assertTrue(records(deadLetters, keyStartsWith("cfg-")).isEmpty(), "and not dead-lettered: it is not the message's fault");
            assertTrue(sim().tokenCalls() <= 2, "the refusal is held, not asked again and again: " + sim().tokenCalls());
        } finally {
            restartAppWith("wechat.app.secret", LocalStack.APP_SECRET);
        }

        List<ConsumerRecord<byte[], byte[]>> out = await(replies, keyStartsWith("cfg-"), 1);
        assertEquals("ok", JSON.readTree(out.get(0).value()).path("status").asText(), "passes once the secret is fixed");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The app in a JVM of its own (same group as the in-process one, which must be stopped), to kill. */
    private static ForkedApp forkedAppToKill() throws Exception {
        Path log = Path.of("target", "test-logs", "forked-app.log");
        Files.createDirectories(log.getParent());
        Map<String, String> properties = new HashMap<>(stack.appProperties());
        properties.put("http.port", Integer.toString(LocalStack.freePort()));
        // a held call stays one call: not timed out and sent again before the kill
        properties.put("wechat.response-timeout-ms", "600000");
        return ForkedApp.fromClasspath(properties, log);
    }


    private static void assertDeadLetter(ConsumerRecord<byte[], byte[]> letter, byte[] original, RecordMetadata at,
                                         String code, String messagePart) {
        assertNotNull(letter);
        assertArrayEquals(original, letter.value(), "the original bytes, unchanged");
        assertEquals(code, header(letter, KafkaEnvelope.ERROR_CODE_HEADER));
        assertTrue(header(letter, KafkaEnvelope.ERROR_MESSAGE_HEADER).contains(messagePart),
                header(letter, KafkaEnvelope.ERROR_MESSAGE_HEADER));
        assertEquals(requests, header(letter, KafkaEnvelope.ORIGINAL_TOPIC_HEADER));
        assertEquals(String.valueOf(at.partition()), header(letter, KafkaEnvelope.ORIGINAL_PARTITION_HEADER));
        assertEquals(String.valueOf(at.offset()), header(letter, KafkaEnvelope.ORIGINAL_OFFSET_HEADER));
        // and Spring's, in Spring's encodings (SpringKafkaInteropTest has the rest)
        assertEquals(requests, header(letter, SpringDeadLetterHeaders.ORIGINAL_TOPIC));
        assertEquals(at.partition(), ByteBuffer.wrap(letter.headers().lastHeader(SpringDeadLetterHeaders.ORIGINAL_PARTITION).value()).getInt());
        assertEquals(at.offset(), ByteBuffer.wrap(letter.headers().lastHeader(SpringDeadLetterHeaders.ORIGINAL_OFFSET).value()).getLong());
        assertEquals(header(letter, KafkaEnvelope.ERROR_MESSAGE_HEADER), header(letter, SpringDeadLetterHeaders.EXCEPTION_MESSAGE));
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, WAIT, what);
    }
}
