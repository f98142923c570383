package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The broker restarted under load, S3 gone for 30 s: nothing lost, nothing dead-lettered, no hand-holding. */
class OutagesTest extends KafkaTestSupport {

    @Test
    void aBrokerRestartInTheMiddleOfARunLosesNothing() throws Exception {
        sim().latency(Duration.ofMillis(50));
        for (int i = 0; i < 60; i++) {
            send(null, "b-" + i, "{\"scene\":\"broker=" + i + "\"}", Map.of());
        }
        awaitCount(replies, keyStartsWith("b-"), 5);
        long restart = System.nanoTime();
        stack.kafka().restart();
        System.out.printf("broker restarted in %d ms%n", Duration.ofNanos(System.nanoTime() - restart).toMillis());
        for (int i = 60; i < 120; i++) {
            send(null, "b-" + i, "{\"scene\":\"broker=" + i + "\"}", Map.of());
        }

        assertAllAnsweredOk("b-", 120, "broker restart");
    }

    @Test
    void aThirtySecondStorageOutageLosesNothing() throws Exception {
        for (int i = 0; i < 20; i++) {
            send(null, "o-" + i, "{\"scene\":\"outage=" + i + "\"}", Map.of());
        }
        awaitCount(replies, keyStartsWith("o-"), 3);
        stack.s3().stopServing();
        try {
            for (int i = 20; i < 40; i++) {
                send(null, "o-" + i, "{\"scene\":\"outage=" + i + "\"}", Map.of());
            }
            Thread.sleep(30_000);
        } finally {
            stack.s3().resumeServing();
        }

        assertAllAnsweredOk("o-", 40, "30 s S3 outage");
    }

    private static void assertAllAnsweredOk(String prefix, int count, String what) throws Exception {
        awaitUntil(replies, list -> list.stream().map(r -> text(r.key())).filter(k -> k.startsWith(prefix)).distinct().count() == count);
        Set<String> ok = new HashSet<>();
        int replyCount = 0;
        for (ConsumerRecord<byte[], byte[]> reply : records(replies, keyStartsWith(prefix))) {
            assertEquals("ok", JSON.readTree(reply.value()).path("status").asText(), text(reply.value()));
            ok.add(text(reply.key()));
            replyCount++;
        }
        int deadLettered = records(deadLetters, keyStartsWith(prefix)).size();
        System.out.printf("%s: %d requests, %d answered ok (%d replies), %d lost, %d dead-lettered%n",
                what, count, ok.size(), replyCount, count - ok.size(), deadLettered);
        assertEquals(count, ok.size());
        assertEquals(0, deadLettered);
        assertTrue(replyCount >= count);
    }
}
