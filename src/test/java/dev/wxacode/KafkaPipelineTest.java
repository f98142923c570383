package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.kafka.KafkaEnvelope;
import dev.wxacode.local.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests through a real broker: request topic in, reply topic and dead-letter topic out. */
class KafkaPipelineTest extends PipelineTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static String requests;
    private static String replies;
    private static String deadLetters;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void topicsOfItsOwn() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        requests = "test.requests." + suffix;
        replies = "test.replies." + suffix;
        deadLetters = "test.dlq." + suffix;
        stack.kafka().createTopics(Map.of(requests, 3, replies, 3, deadLetters, 1));
        stack.stopApp();
        stack.with("kafka.request-topic", requests)
                .with("kafka.reply-topic", replies)
                .with("kafka.dlq-topic", deadLetters)
                .with("kafka.group", "test-" + suffix)
                .with("kafka.retry.max-redeliveries", "2")
                .with("kafka.retry.delay-ms", "200")
                .with("kafka.session-timeout-ms", "6000")
                .with("kafka.heartbeat-interval-ms", "1000");
        stack.startApp();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

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
    void aCrashMidBatchLosesNoRequestAndDuplicatesNoObject() throws Exception {
        long objectsBefore = objectCount();
        // the in-process app steps aside; a forked one (same group) takes the requests and is killed
        stack.stopApp();
        sim().latency(Duration.ofMillis(150));
        int distinct = 12;
        for (int i = 0; i < distinct * 2; i++) {
            send(null, "k-" + i, "{\"scene\":\"crash=" + (i % distinct) + "\"}", Map.of());
        }
        Path log = Path.of("target", "test-logs", "forked-app.log");
        Files.createDirectories(log.getParent());
        try (ForkedApp forked = ForkedApp.start(environmentOf(stack.appProperties()), log)) {
            awaitCount(replies, keyStartsWith("k-"), 3);
            forked.kill();
        }
        int answeredBeforeCrash = records(replies, keyStartsWith("k-")).size();
        assertTrue(answeredBeforeCrash < distinct * 2, "killed in the middle: " + answeredBeforeCrash + " answered");

        stack.startApp();
        awaitUntil(replies, allKeysPresent("k-", distinct * 2));

        Map<String, Set<String>> fileIdsByScene = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> reply : records(replies, keyStartsWith("k-"))) {
            JsonNode body = JSON.readTree(reply.value());
            assertEquals("ok", body.path("status").asText(), body.toString());
            int i = Integer.parseInt(text(reply.key()).substring(2));
            fileIdsByScene.computeIfAbsent("crash=" + (i % distinct), s -> new HashSet<>()).add(body.path("fileId").asText());
        }
        assertEquals(distinct, fileIdsByScene.size());
        fileIdsByScene.forEach((scene, ids) -> assertEquals(1, ids.size(), scene + " has one object: " + ids));
        assertEquals(objectsBefore + distinct, objectCount(), "exactly one S3 object per distinct request");
        assertTrue(records(deadLetters, keyStartsWith("k-")).isEmpty());
    }

    // ---- helpers ---------------------------------------------------------------------------------

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
    }

    private static RecordMetadata send(Integer partition, String key, String value, Map<String, String> headers)
            throws Exception {
        return send(partition, key, value.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static RecordMetadata send(Integer partition, String key, byte[] value, Map<String, String> headers)
            throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(requests, partition,
                key.getBytes(StandardCharsets.UTF_8), value);
        headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
        return producer.send(record).get();
    }

    private static Predicate<ConsumerRecord<byte[], byte[]>> keyStartsWith(String prefix) {
        return r -> r.key() != null && text(r.key()).startsWith(prefix);
    }

    /** Matches every record of the family once each key from prefix0 .. prefix(n-1) has been seen. */
    private static Predicate<List<ConsumerRecord<byte[], byte[]>>> allKeysPresent(String prefix, int n) {
        return list -> {
            Set<String> seen = list.stream().map(r -> text(r.key())).filter(k -> k.startsWith(prefix)).collect(Collectors.toSet());
            return seen.size() == n;
        };
    }

    /** Waits until {@code count} matching records are on the topic, then returns all matching ones. */
    private static List<ConsumerRecord<byte[], byte[]>> await(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match,
                                                              int count) throws InterruptedException {
        awaitCount(topic, match, count);
        return records(topic, match);
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitUntil(String topic,
                                                                   Predicate<List<ConsumerRecord<byte[], byte[]>>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ConsumerRecord<byte[], byte[]>> all;
        do {
            all = records(topic, r -> r.key() != null);
            if (done.test(all)) {
                return all;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not all expected records on " + topic + " within " + WAIT + "; have " + all.size());
    }

    private static void awaitCount(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int have;
        do {
            have = records(topic, match).size();
            if (have >= count) {
                return;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(count + " records expected on " + topic + " within " + WAIT + ", found " + have);
    }

    /** Everything currently on the topic that matches, read from the beginning. */
    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        out.add(r);
                    }
                }
            }
            return out;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long objectCount() {
        return s3.listObjectsV2Paginator(b -> b.bucket(LocalStack.BUCKET)).contents().stream().count();
    }

    /** The app's properties as a deployment passes them: environment variables. */
    private static Map<String, String> environmentOf(Map<String, String> properties) throws Exception {
        Map<String, String> env = new HashMap<>();
        properties.forEach((key, value) -> env.put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value));
        env.put("HTTP_PORT", Integer.toString(LocalStack.freePort()));
        return env;
    }
}
