package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import dev.wxacode.local.Await;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The broker restarted under load, S3 gone for 30 s: nothing lost, nothing dead-lettered, no
 * hand-holding. WeChat holds its calls while each fault starts, so requests are known to be in
 * flight at that moment, however slow the machine.
 */
class OutagesTest extends KafkaTestSupport {

    @Test
    void aBrokerRestartWithRequestsInFlightLosesNothing() throws Exception {
        int passing = 5;
        sim().holdCodeCallsAfter(passing);
        for (int i = 0; i < 60; i++) {
            send(null, "b-" + i, "{\"scene\":\"broker=" + i + "\"}", Map.of());
        }
        long objectsAtStop;
        Set<String> inFlightAtStop;
        long stopped;
        try {
            awaitCount(replies, keyStartsWith("b-"), passing);
            awaitCondition(() -> sim().heldCalls() >= 1, "a call held in flight");
            // nothing passes the held calls: this is the state when the broker stops
            int answeredAtStop = records(replies, keyStartsWith("b-")).size();
            objectsAtStop = objectCount();
            inFlightAtStop = sim().heldScenes();
            assertEquals(passing, answeredAtStop, "the broker stops with " + passing + " of 60 published requests answered");
            assertFalse(inFlightAtStop.isEmpty());

            long restart = System.nanoTime();
            stopped = System.currentTimeMillis();
            stack.kafka().stopServing();
            try {
                // the requests in flight get their codes and store them while the broker is down
                sim().releaseHeldCalls();
                awaitCondition(() -> objectCount() >= objectsAtStop + inFlightAtStop.size(),
                        "the objects of the requests in flight stored while the broker is down");
            } finally {
                stack.kafka().resumeServing();
            }
            System.out.printf("broker restarted in %d ms with %d of 60 requests answered and %d in flight %s%n",
                    Duration.ofNanos(System.nanoTime() - restart).toMillis(), answeredAtStop, inFlightAtStop.size(), inFlightAtStop);
        } finally {
            sim().releaseHeldCalls();
        }
        for (int i = 60; i < 120; i++) {
            send(null, "b-" + i, "{\"scene\":\"broker=" + i + "\"}", Map.of());
        }

        Map<String, ConsumerRecord<byte[], byte[]>> answered = assertAllAnsweredOk("b-", 120, "broker restart");
        for (String scene : inFlightAtStop) {
            String key = "b-" + scene.substring("broker=".length());
            assertTrue(answered.get(key).timestamp() >= stopped, key + " was in flight when the broker stopped, answered at "
                    + answered.get(key).timestamp() + ", stopped at " + stopped);
        }
    }

    @Test
    void aThirtySecondStorageOutageLosesNothingAndAnswersNothingWhileItLasts() throws Exception {
        int passing = 3;
        sim().holdCodeCallsAfter(passing);
        for (int i = 0; i < 20; i++) {
            send(null, "o-" + i, "{\"scene\":\"outage=" + i + "\"}", Map.of());
        }
        long resumed;
        try {
            awaitCount(replies, keyStartsWith("o-"), passing);
            awaitCondition(() -> sim().heldCalls() >= 1, "a call held in flight");
            // nothing passes the held calls: this is the state when S3 stops
            int answeredAtStop = records(replies, keyStartsWith("o-")).size();
            Set<String> inFlightAtStop = sim().heldScenes();
            assertEquals(passing, answeredAtStop, "S3 stops with " + passing + " of 20 published requests answered");
            assertFalse(inFlightAtStop.isEmpty());

            stack.s3().stopServing();
            long outageEnds = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            try {
                // the calls in flight answer now, and their codes cannot be stored
                sim().releaseHeldCalls();
                for (int i = 20; i < 40; i++) {
                    send(null, "o-" + i, "{\"scene\":\"outage=" + i + "\"}", Map.of());
                }
                int checks = 0;
                do {
                    int answered = records(replies, keyStartsWith("o-")).size();
                    assertEquals(answeredAtStop, answered, "a reply came while S3 was down (check " + ++checks + ")");
                    Thread.sleep(1000);
                } while (System.nanoTime() < outageEnds);
                assertEquals(answeredAtStop, records(replies, keyStartsWith("o-")).size(), "a reply came while S3 was down");
                assertTrue(records(deadLetters, keyStartsWith("o-")).isEmpty(), "dead-lettered while S3 was down");
                System.out.printf("S3 down for 30 s with %d of 20 requests answered and %d in flight %s, 20 more sent; "
                        + "answered while down: 0 (%d checks)%n", answeredAtStop, inFlightAtStop.size(), inFlightAtStop, checks);
            } finally {
                resumed = System.currentTimeMillis();
                stack.s3().resumeServing();
            }
        } finally {
            sim().releaseHeldCalls();
        }

        Map<String, ConsumerRecord<byte[], byte[]>> answered = assertAllAnsweredOk("o-", 40, "30 s S3 outage");
        int afterOutage = 0;
        for (ConsumerRecord<byte[], byte[]> reply : answered.values()) {
            if (reply.timestamp() >= resumed) {
                afterOutage++;
            }
        }
        assertEquals(40 - passing, afterOutage, "every request not answered before the outage was answered after it");
    }

    /** Every request answered ok, the exact set of keys, none dead-lettered; the first reply of each key. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> assertAllAnsweredOk(String prefix, int count, String what)
            throws Exception {
        awaitUntil(replies, allKeysPresent(prefix, count));
        Map<String, ConsumerRecord<byte[], byte[]>> ok = new HashMap<>();
        int replyCount = 0;
        List<ConsumerRecord<byte[], byte[]>> all = records(replies, keyStartsWith(prefix));
        for (ConsumerRecord<byte[], byte[]> reply : all) {
            assertEquals("ok", JSON.readTree(reply.value()).path("status").asText(), text(reply.value()));
            ok.putIfAbsent(text(reply.key()), reply);
            replyCount++;
        }
        int deadLettered = records(deadLetters, keyStartsWith(prefix)).size();
        System.out.printf("%s: %d requests, %d answered ok (%d replies), %d lost, %d dead-lettered%n",
                what, count, ok.size(), replyCount, count - ok.size(), deadLettered);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < count; i++) {
            expected.add(prefix + i);
        }
        assertEquals(expected, ok.keySet(), "the replies' keys are exactly the requests'");
        assertEquals(0, deadLettered);
        assertTrue(replyCount >= count);
        return ok;
    }

    private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, WAIT, what);
    }
}
