package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kafka.ordering=key} through the real broker (docs/kafka-concurrency.md): the records of one
 * key run one after another in offset order, while other keys run beside them. All records go to
 * one partition, so one consumer hands them to the window in offset order; with {@code none} every
 * record would be in flight at once and all would reach WeChat within one call's latency.
 */
class KafkaOrderingTest extends KafkaTestSupport {

    private static final int KEYS = 4;
    private static final int PER_KEY = 6;
    private static final Duration LATENCY = Duration.ofMillis(150);

    @BeforeAll
    static void orderedByKey() throws Exception {
        stack.stopApp();
        stack.with("kafka.ordering", "key");
        stack.startApp();
    }

    @Test
    void recordsOfOneKeyRunOneAfterAnotherInOffsetOrderAndKeysRunSideBySide() throws Exception {
        sim().latency(LATENCY);
        for (int i = 0; i < PER_KEY; i++) {
            for (int k = 0; k < KEYS; k++) {
                send(0, "o-" + k, "{\"scene\":\"o=" + k + "-" + i + "\"}", Map.of());
            }
        }
        List<ConsumerRecord<byte[], byte[]>> answered = await(replies, keyStartsWith("o-"), KEYS * PER_KEY);
        for (ConsumerRecord<byte[], byte[]> reply : answered) {
            assertEquals("ok", JSON.readTree(reply.value()).path("status").asText(), text(reply.value()));
        }

        List<String> called = sim().calledScenes();
        for (int k = 0; k < KEYS; k++) {
            String prefix = "o=" + k + "-";
            int key = k;
            List<String> expected = IntStream.range(0, PER_KEY).mapToObj(i -> "o=" + key + "-" + i).toList();
            assertEquals(expected, called.stream().filter(s -> s.startsWith(prefix)).toList(), "key o-" + k + "'s calls");
        }
        // one after another: a key's 6 calls take at least 5 latencies; side by side: the 4 keys
        // together take far less than 24 latencies one after another would
        long spanMs = sim().codeCallSpan().toMillis();
        assertTrue(spanMs >= (PER_KEY - 1) * LATENCY.toMillis(),
                "the calls of a key were not one after another: all " + KEYS * PER_KEY + " came within " + spanMs + " ms");
        assertTrue(spanMs < KEYS * PER_KEY * LATENCY.toMillis() * 3 / 4,
                "the keys did not run side by side: " + spanMs + " ms for " + KEYS * PER_KEY + " calls");
    }
}
