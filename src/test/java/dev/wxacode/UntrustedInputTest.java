package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.kafka.KafkaEnvelope;
import dev.wxacode.kafka.SpringDeadLetterHeaders;
import dev.wxacode.text.Untrusted;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What an attacker of the logs and of the reply consumers sends, over HTTP and Kafka: line breaks
 * in echoed values, field names and Kafka headers, huge values. Each is refused, nothing comes back
 * raw or in full, and the service's log still has exactly one line per event.
 */
class UntrustedInputTest extends KafkaTestSupport {

    /** Each line of the text layout starts so: time, level, thread. */
    private static final Pattern EVENT_START = Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) \\[");
    private static final String MARK = "FORGED-" + UUID.randomUUID().toString().substring(0, 8);
    /** As the log layout would write it: a whole forged event, to follow a line break (short enough to be echoed whole). */
    private static final String FORGED_EVENT = "00:00:00.000 ERROR [main] x - " + MARK;
    /** What a dead letter's or reply's header may hold at most (the longest: the error message). */
    private static final int HEADER_MAX = 1200;
    /** Spring's dead-letter headers that are numbers, not text: their sizes in bytes. */
    private static final Map<String, Integer> SPRING_BINARY_HEADERS = Map.of(
            SpringDeadLetterHeaders.ORIGINAL_PARTITION, Integer.BYTES,
            SpringDeadLetterHeaders.ORIGINAL_OFFSET, Long.BYTES,
            SpringDeadLetterHeaders.ORIGINAL_TIMESTAMP, Long.BYTES);

    @Test
    void kafkaHeadersThatBreakTheRulesAreRefusedAndNeverCopiedOut() throws Exception {
        String crlfId = "id\r\n" + FORGED_EVENT;
        send(0, "h-crlf", "{\"scene\":\"h=1\"}", Map.of("requestId", crlfId, "correlationId", "corr-crlf"));
        send(0, "h-huge", "{\"scene\":\"h=2\"}", Map.of("requestId", "r".repeat(10_240)));
        send(0, "h-empty", "{\"scene\":\"h=3\"}", Map.of("requestId", ""));
        send(0, "h-corr", "{\"scene\":\"h=4\"}", Map.of("correlationId", "c".repeat(KafkaEnvelope.CORRELATION_MAX_BYTES + 1)));
        // the body's own id is valid: the reply goes out under it
        send(0, "h-body", "{\"scene\":\"h=5\",\"requestId\":\"body-ok-5\"}", Map.of("requestId", crlfId));
        // and both broken: one reply names both
        send(0, "h-both", "{\"scene\":\"has space\"}", Map.of("requestId", crlfId));
        // at the limit: fine
        send(0, "h-fine", "{\"scene\":\"h=7\"}", Map.of("requestId", "i".repeat(128),
                "correlationId", "c".repeat(KafkaEnvelope.CORRELATION_MAX_BYTES)));

        Map<String, ConsumerRecord<byte[], byte[]>> replyByKey = byKey(await(replies, keyStartsWith("h-"), 7));
        Map<String, ConsumerRecord<byte[], byte[]>> letterByKey = byKey(await(deadLetters, keyStartsWith("h-"), 6));

        assertRefused(replyByKey, letterByKey, "h-crlf", "requestId (header)");
        assertEquals("corr-crlf", header(replyByKey.get("h-crlf"), "correlationId"), "a valid correlation header still goes back");
        assertRefused(replyByKey, letterByKey, "h-huge", "requestId (header)");
        assertRefused(replyByKey, letterByKey, "h-empty", "requestId (header)");
        assertRefused(replyByKey, letterByKey, "h-corr", "correlationId (header)");
        assertNull(header(replyByKey.get("h-corr"), "correlationId"), "an oversize correlation header is not copied");
        assertNull(header(letterByKey.get("h-corr"), "correlationId"));
        assertRefused(replyByKey, letterByKey, "h-body", "requestId (header)");
        assertEquals("body-ok-5", header(replyByKey.get("h-body"), "requestId"));
        assertEquals("body-ok-5", JSON.readTree(replyByKey.get("h-body").value()).path("requestId").asText());
        JsonNode both = assertRefused(replyByKey, letterByKey, "h-both", "requestId (header)");
        assertEquals(List.of("requestId (header)", "scene"), both.path("error").path("violations").findValuesAsText("field"));

        JsonNode fine = JSON.readTree(replyByKey.get("h-fine").value());
        assertEquals("ok", fine.path("status").asText(), fine.toString());
        assertEquals("i".repeat(128), header(replyByKey.get("h-fine"), "requestId"));
        assertEquals("c".repeat(KafkaEnvelope.CORRELATION_MAX_BYTES), header(replyByKey.get("h-fine"), "correlationId"));
        assertFalse(letterByKey.containsKey("h-fine"));
    }

    @Test
    void aHugeValueIsNotEchoedInFull() throws Exception {
        Reply reply = post("{\"scene\":\"a\",\"app\":\"" + "A".repeat(16_000) + "\"}");

        assertEquals(400, reply.status(), reply.body().toString());
        assertEquals("app", reply.error().path("violations").get(0).path("field").asText());
        assertTrue(reply.body().toString().length() < 1024, reply.body().toString().length() + " characters: " + reply.body());
    }

    @Test
    void nothingACallerSendsCanForgeALogLine() throws Exception {
        for (String field : List.of("app", "type", "env_version")) {
            Reply reply = post("{\"scene\":\"a\",\"" + field + "\":\"x\\r\\n" + FORGED_EVENT + "\"}");
            assertEquals(400, reply.status(), reply.body().toString());
            assertTrue(reply.error().path("message").asText().contains("x\\r\\n00:00:00.000 ERROR"), reply.body().toString());
        }
        assertEquals(400, post("{\"scene\":\"a\",\"x\\u2028" + FORGED_EVENT + "\":1}").status());
        assertEquals(400, post("{\"scene\":\"a\",\"app\":\"x\\u0085" + FORGED_EVENT + "\"}").status());
        send(1, "l-body", "{\"scene\":\"a\",\"app\":\"x\\r\\n" + FORGED_EVENT + "\"}", Map.of());
        send(1, "l-name", "{\"scene\":\"a\",\"x\\n" + FORGED_EVENT + "\":1}", Map.of());
        send(1, "l-header", "{\"scene\":\"l=1\"}", Map.of("requestId", "x\r\n" + FORGED_EVENT));
        await(replies, keyStartsWith("l-"), 3);
        // and a line break that reaches a log call directly: the layout itself keeps it on its line
        LoggerFactory.getLogger("dev.wxacode.test").info("a raw value: x\r\n{}", FORGED_EVENT,
                new IllegalStateException("a stack trace\r\n" + FORGED_EVENT));

        Path log = Path.of(System.getProperty("wxacode.test-log", "target/test-logs/tests.log"));
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        int marked = 0;
        for (String line : lines) {
            assertTrue(EVENT_START.matcher(line).find(), "a line that is not an event of its own in " + log + ": " + line);
            assertFalse(line.startsWith("00:00:00.000"), "a forged line in " + log + ": " + line);
            if (line.contains(MARK)) {
                marked++;
                String before = line.substring(0, line.indexOf(MARK));
                assertTrue(before.contains("\\n") || before.contains("\\u"), "the forged event follows an escaped break: " + line);
            }
        }
        assertTrue(marked >= 7, "the refusals were logged, escaped: " + marked + " lines of " + lines.size());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static Map<String, ConsumerRecord<byte[], byte[]>> byKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        records.forEach(r -> byKey.put(text(r.key()), r));
        return byKey;
    }

    /** An invalid_request reply naming the field, a dead letter, and neither carrying a raw or long value. */
    private static JsonNode assertRefused(Map<String, ConsumerRecord<byte[], byte[]>> replyByKey,
                                          Map<String, ConsumerRecord<byte[], byte[]>> letterByKey, String key, String field)
            throws Exception {
        ConsumerRecord<byte[], byte[]> reply = replyByKey.get(key);
        ConsumerRecord<byte[], byte[]> letter = letterByKey.get(key);
        assertTrue(reply != null && letter != null, key + ": a reply and a dead letter");
        JsonNode body = JSON.readTree(reply.value());
        assertEquals("invalid_request", body.path("error").path("code").asText(), key + ": " + body);
        assertTrue(body.path("error").path("violations").findValuesAsText("field").contains(field), key + ": " + body);
        assertEquals("invalid_request", header(letter, KafkaEnvelope.ERROR_CODE_HEADER));
        assertTrue(header(letter, KafkaEnvelope.ERROR_MESSAGE_HEADER).contains(field), header(letter, KafkaEnvelope.ERROR_MESSAGE_HEADER));
        String requestId = header(reply, KafkaEnvelope.REQUEST_ID_HEADER);
        assertEquals(requestId, body.path("requestId").asText(), key);
        assertEquals(requestId, header(letter, KafkaEnvelope.REQUEST_ID_HEADER), key);
        assertTrue(requestId.length() <= 128 && Untrusted.isPrintable(requestId) && !requestId.contains(" "), key + ": " + requestId);
        assertFalse(body.toString().contains(MARK), key + ": the refused header is not in the reply: " + body);
        assertTrue(reply.value().length < 2048, key + ": a reply of " + reply.value().length + " bytes");
        for (ConsumerRecord<byte[], byte[]> out : List.of(reply, letter)) {
            for (Header h : out.headers()) {
                Integer binary = SPRING_BINARY_HEADERS.get(h.key());
                if (binary != null) {
                    assertEquals(binary, h.value().length, key + ": header " + h.key());
                    continue;
                }
                String value = new String(h.value(), StandardCharsets.UTF_8);
                assertTrue(h.value().length <= HEADER_MAX, key + ": header " + h.key() + " of " + h.value().length + " bytes");
                assertTrue(Untrusted.isPrintable(value), key + ": header " + h.key() + " = " + value);
                assertFalse(value.contains(MARK), key + ": header " + h.key() + " echoes the refused header: " + value);
            }
        }
        return body;
    }
}
