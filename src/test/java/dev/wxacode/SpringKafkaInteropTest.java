package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.kafka.SpringDeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests as Spring Kafka's ReplyingKafkaTemplate sends them, and dead letters as a consumer built
 * on Spring's DeadLetterPublishingRecoverer conventions reads them: the header names and byte
 * encodings are Spring's (KafkaHeaders), decoded here by hand as Spring does, with ByteBuffer.
 */
class SpringKafkaInteropTest extends KafkaTestSupport {

    private static final String REPLY_TOPIC = "kafka_replyTopic";
    private static final String REPLY_PARTITION = "kafka_replyPartition";
    private static final String CORRELATION_ID = "kafka_correlationId";

    /** A caller's own reply topic, allowed by kafka.reply-topics-allowed. */
    private static String callerReplies;
    /** A topic that exists but is not allowed: nothing may be written to it. */
    private static String forbidden;

    @BeforeAll
    static void aCallerWithItsOwnReplyTopic() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        callerReplies = "spring.replies." + suffix;
        forbidden = "someone.else." + suffix;
        stack.kafka().createTopics(Map.of(callerReplies, 3, forbidden, 1));
        restartAppWith("kafka.reply-topics-allowed", "spring\\.replies\\..*");
    }

    @Test
    void aReplyGoesToTheRequestsReplyTopicAndPartitionWithItsCorrelationId() throws Exception {
        byte[] okCorrelation = correlationId();
        byte[] errorCorrelation = correlationId();
        send("rr-ok", "{\"scene\":\"rr=1\"}", Map.of(REPLY_TOPIC, utf8(callerReplies), REPLY_PARTITION, int4(2),
                CORRELATION_ID, okCorrelation));
        // an error reply goes there too (and the dead letter to the dead-letter topic, as always)
        send("rr-bad", "{\"scene\":\"has space\"}", Map.of(REPLY_TOPIC, utf8(callerReplies), REPLY_PARTITION, int4(1),
                CORRELATION_ID, errorCorrelation));
        // no partition: the key decides, as for any record
        send("rr-any", "{\"scene\":\"rr=3\"}", Map.of(REPLY_TOPIC, utf8(callerReplies)));

        Map<String, ConsumerRecord<byte[], byte[]>> byKey = byKey(await(callerReplies, keyStartsWith("rr-"), 3));

        ConsumerRecord<byte[], byte[]> ok = byKey.get("rr-ok");
        assertEquals("ok", JSON.readTree(ok.value()).path("status").asText(), text(ok.value()));
        assertEquals(2, ok.partition());
        assertArrayEquals(okCorrelation, ok.headers().lastHeader(CORRELATION_ID).value());
        assertNull(ok.headers().lastHeader(REPLY_TOPIC), "the request's reply headers are not copied to the reply");

        ConsumerRecord<byte[], byte[]> bad = byKey.get("rr-bad");
        assertEquals("invalid_request", JSON.readTree(bad.value()).path("error").path("code").asText());
        assertEquals(1, bad.partition());
        assertArrayEquals(errorCorrelation, bad.headers().lastHeader(CORRELATION_ID).value());

        assertEquals("ok", JSON.readTree(byKey.get("rr-any").value()).path("status").asText());
        assertEquals(1, await(deadLetters, keyStartsWith("rr-bad"), 1).size());
        assertTrue(records(replies, keyStartsWith("rr-")).isEmpty(), "nothing on the service's own reply topic");
    }

    @Test
    void aReplyTopicOutsideTheAllowListIsRefusedAndNeverWrittenTo() throws Exception {
        RecordMetadata at = send("deny-1", "{\"scene\":\"deny=1\"}", Map.of(REPLY_TOPIC, utf8(forbidden),
                REPLY_PARTITION, int4(0), CORRELATION_ID, correlationId()));

        ConsumerRecord<byte[], byte[]> reply = await(replies, keyStartsWith("deny-1"), 1).get(0);
        JsonNode error = JSON.readTree(reply.value()).path("error");
        assertEquals("invalid_request", error.path("code").asText(), error.toString());
        JsonNode violation = error.path("violations").get(0);
        assertEquals("kafka_replyTopic (header)", violation.path("field").asText());
        assertTrue(violation.path("rule").asText().contains("kafka.reply-topics-allowed"), violation.toString());
        assertNotNull(reply.headers().lastHeader(CORRELATION_ID), "still matched by its correlation id");

        ConsumerRecord<byte[], byte[]> letter = await(deadLetters, keyStartsWith("deny-1"), 1).get(0);
        assertSpringDeadLetter(letter, at, "kafka_replyTopic (header)");
        assertTrue(records(forbidden, r -> true).isEmpty(), "nothing written to a topic the allow-list does not name");
    }

    @Test
    void aReplyAddressTheBrokerDoesNotHaveIsRefusedAtOnceInsteadOfHoldingUpThePartition() throws Exception {
        // each of these would leave a producer waiting for metadata that never comes
        send(0, "addr-partition", Map.of(REPLY_TOPIC, utf8(callerReplies), REPLY_PARTITION, int4(7)));
        send(0, "addr-topic", Map.of(REPLY_TOPIC, utf8("spring.replies.no-such-topic")));
        send(0, "addr-negative", Map.of(REPLY_TOPIC, utf8(callerReplies), REPLY_PARTITION, int4(-1)));
        send(0, "addr-short", Map.of(REPLY_TOPIC, utf8(callerReplies), REPLY_PARTITION, new byte[] {0, 1}));
        send(0, "addr-name", Map.of(REPLY_TOPIC, utf8("spring.replies.x\r\nforged")));
        // behind them on the same partition
        send(0, "addr-fine", Map.of(REPLY_TOPIC, utf8(callerReplies), REPLY_PARTITION, int4(0)));

        Map<String, ConsumerRecord<byte[], byte[]>> refused = byKey(await(replies, keyStartsWith("addr-"), 5));
        assertRefused(refused.get("addr-partition"), "kafka_replyPartition (header)", "0 to 2");
        assertRefused(refused.get("addr-topic"), "kafka_replyTopic (header)", "on the broker");
        assertRefused(refused.get("addr-negative"), "kafka_replyPartition (header)", "negative");
        assertRefused(refused.get("addr-short"), "kafka_replyPartition (header)", "4 bytes");
        assertRefused(refused.get("addr-name"), "kafka_replyTopic (header)", "topic name");
        assertTrue(JSON.readTree(refused.get("addr-name").value()).toString().contains("x\\\\r\\\\nforged"),
                "echoed escaped: " + text(refused.get("addr-name").value()));
        assertEquals(5, await(deadLetters, keyStartsWith("addr-"), 5).size());

        ConsumerRecord<byte[], byte[]> fine = await(callerReplies, keyStartsWith("addr-fine"), 1).get(0);
        assertEquals("ok", JSON.readTree(fine.value()).path("status").asText());
        assertEquals(0, fine.partition());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static RecordMetadata send(String key, String value, Map<String, byte[]> headers) throws Exception {
        return sendWithBinaryHeaders(null, key, value, headers);
    }

    private static RecordMetadata send(Integer partition, String key, Map<String, byte[]> headers) throws Exception {
        return sendWithBinaryHeaders(partition, key, "{\"scene\":\"" + key + "\"}", headers);
    }

    /** Header values as bytes: Spring's are binary (the partition) or any bytes (the correlation id). */
    private static RecordMetadata sendWithBinaryHeaders(Integer partition, String key, String value, Map<String, byte[]> headers)
            throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(requests, partition, utf8(key), utf8(value));
        headers.forEach(record.headers()::add);
        return producer.send(record).get();
    }

    /** As ReplyingKafkaTemplate makes it: a random UUID's 16 bytes. */
    private static byte[] correlationId() {
        UUID uuid = UUID.randomUUID();
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
    }

    private static byte[] int4(int value) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> byKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        records.forEach(r -> byKey.put(text(r.key()), r));
        return byKey;
    }

    private static void assertRefused(ConsumerRecord<byte[], byte[]> reply, String field, String rulePart) throws Exception {
        assertNotNull(reply, field);
        JsonNode error = JSON.readTree(reply.value()).path("error");
        assertEquals("invalid_request", error.path("code").asText(), error.toString());
        JsonNode violation = error.path("violations").get(0);
        assertEquals(field, violation.path("field").asText(), error.toString());
        assertTrue(violation.path("rule").asText().contains(rulePart), error.toString());
    }

    /** The headers a Spring DLT consumer reads, decoded with Spring's encodings. */
    private static void assertSpringDeadLetter(ConsumerRecord<byte[], byte[]> letter, RecordMetadata at, String messagePart) {
        assertEquals(requests, new String(value(letter, SpringDeadLetterHeaders.ORIGINAL_TOPIC), StandardCharsets.UTF_8));
        byte[] partition = value(letter, SpringDeadLetterHeaders.ORIGINAL_PARTITION);
        assertEquals(Integer.BYTES, partition.length);
        assertEquals(at.partition(), ByteBuffer.wrap(partition).getInt());
        byte[] offset = value(letter, SpringDeadLetterHeaders.ORIGINAL_OFFSET);
        assertEquals(Long.BYTES, offset.length);
        assertEquals(at.offset(), ByteBuffer.wrap(offset).getLong());
        byte[] timestamp = value(letter, SpringDeadLetterHeaders.ORIGINAL_TIMESTAMP);
        assertEquals(Long.BYTES, timestamp.length);
        assertEquals(at.timestamp(), ByteBuffer.wrap(timestamp).getLong());
        assertEquals(stack.appProperties().get("kafka.group"),
                new String(value(letter, SpringDeadLetterHeaders.ORIGINAL_CONSUMER_GROUP), StandardCharsets.UTF_8));
        assertEquals("dev.wxacode.core.WxacodeException",
                new String(value(letter, SpringDeadLetterHeaders.EXCEPTION_FQCN), StandardCharsets.UTF_8));
        String message = new String(value(letter, SpringDeadLetterHeaders.EXCEPTION_MESSAGE), StandardCharsets.UTF_8);
        assertTrue(message.contains(messagePart), message);
        assertNull(letter.headers().lastHeader("kafka_dlt-exception-stacktrace"), "no stack trace leaves the service");
    }

    private static byte[] value(ConsumerRecord<byte[], byte[]> record, String header) {
        Header h = record.headers().lastHeader(header);
        assertNotNull(h, header);
        return h.value();
    }
}
