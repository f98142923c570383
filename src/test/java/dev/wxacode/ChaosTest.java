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
import dev.wxacode.simulator.ChaosCounts;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * 1000 Kafka requests (800 distinct, the rest repeats as platforms send them) while WeChat misbehaves
 * at random: -1 on 10 % of calls, HTTP 5xx on 5 %, 2 s stalls on 2 %, every token revoked on 1 %, and
 * bursts of five 45009s. Every request must get an ok reply, with one object per distinct request,
 * the repeats answered from the stored objects, and no more WeChat calls than the distinct requests
 * plus what the faults that fired explain.
 */
class ChaosTest extends KafkaTestSupport {

    private static final int REQUESTS = 1000;
    private static final int DISTINCT = 800;
    private static final int REPEATS = REQUESTS - DISTINCT;
    /** kafka.max-in-flight: exchanges in flight at once, each holding at most one WeChat call. */
    private static final int IN_FLIGHT = 64;
    /**
     * Repeats that may overlap their original (both in flight at once, so both call WeChat). A
     * repeat is sent 800 records after its original, ~267 per partition: an overlap needs one
     * partition that far ahead of another, and an overlapping repeat now shares its original's call
     * (SingleFlight). None was seen; a few are allowed, far below the 200 that reuse saves.
     */
    private static final int OVERLAPS_ALLOWED = 5;

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
        int images = sim().imageAnswers();
        int tokenRefusals = sim().tokenRefusals();
        int tokenCalls = sim().tokenCalls();
        ChaosCounts fired = sim().chaosCounts();
        sim().chaos(null);

        Map<String, Set<String>> fileIdsByScene = new HashMap<>();
        Map<String, Boolean> reusedByKey = new HashMap<>();
        int replyCount = 0;
        for (ConsumerRecord<byte[], byte[]> reply : records(replies, keyStartsWith("c-"))) {
            JsonNode body = JSON.readTree(reply.value());
            assertEquals("ok", body.path("status").asText(), body.toString());
            assertTrue(body.path("reused").isBoolean(), "an ok reply says whether it was reused: " + body);
            int i = Integer.parseInt(text(reply.key()).substring(2));
            // at least once: a record in flight when its partition moved (the consumers of the app just
            // started join one by one) is delivered again. The second delivery finds the object the first
            // stored, or shares its call, and may reply first: a request is reused only if no reply made it
            reusedByKey.merge(text(reply.key()), body.path("reused").asBoolean(), Boolean::logicalAnd);
            fileIdsByScene.computeIfAbsent("chaos=" + (i % DISTINCT), s -> new HashSet<>()).add(body.path("fileId").asText());
            replyCount++;
        }
        int reused = (int) reusedByKey.values().stream().filter(r -> r).count();
        long objects = s3.listObjectsV2Paginator(b -> b.bucket(LocalStack.BUCKET)).contents().stream().count() - objectsBefore;
        int deadLettered = records(deadLetters, keyStartsWith("c-")).size();
        // every call was answered with an image or a fault: each fault that fired costs one more call,
        // a stall its late image too; a revocation costs the calls that meet the revoked token
        int explained = DISTINCT + fired.faultAnswers() + fired.stalls() + tokenRefusals;
        System.out.printf("chaos: %d requests (%d distinct) in %d s: %d answered ok (%d replies, %d reused), %d objects, "
                        + "%d WeChat code calls (%.2f per request; %d images), %d token calls, %d dead letters; "
                        + "faults fired: %d busy, %d 5xx, %d stalls, %d revocations (%d calls met a revoked token), "
                        + "%d 45009 bursts (%d 45009s); calls explained by distinct requests and faults: %d%n",
                REQUESTS, DISTINCT, seconds, reusedByKey.size(), replyCount, reused, objects, codeCalls,
                codeCalls / (double) REQUESTS, images, tokenCalls, deadLettered, fired.busy(), fired.http5xx(),
                fired.stalls(), fired.revocations(), tokenRefusals, fired.quotaBursts(), fired.quotaRefusals(), explained);

        assertEquals(REQUESTS, reusedByKey.size(), "every request answered ok");
        assertEquals(DISTINCT, fileIdsByScene.size());
        fileIdsByScene.forEach((scene, ids) -> assertEquals(1, ids.size(), scene + ": " + ids));
        assertEquals(DISTINCT, objects, "exactly one S3 object per distinct request");
        assertEquals(0, deadLettered, "faults are outages, never the message's fault");

        // the faults really fired, every kind of them
        assertTrue(fired.busy() > 0, "no -1 fired: " + fired);
        assertTrue(fired.http5xx() > 0, "no 5xx fired: " + fired);
        assertTrue(fired.stalls() > 0, "no stall fired: " + fired);
        assertTrue(fired.revocations() > 0, "no revocation fired: " + fired);
        assertTrue(fired.quotaBursts() > 0, "no 45009 burst fired: " + fired);
        assertEquals(codeCalls, images + fired.faultAnswers() + tokenRefusals,
                "every call answered an image, an injected fault or 40001 for a revoked token");

        // duplicate work, bounded by the distinct requests, not by the total
        assertTrue(codeCalls <= explained + OVERLAPS_ALLOWED, codeCalls + " WeChat calls for " + DISTINCT
                + " distinct requests: more than the " + explained + " they and the faults that fired explain ("
                + fired + ", " + tokenRefusals + " calls met a revoked token)");
        assertTrue(images <= DISTINCT + fired.stalls() + OVERLAPS_ALLOWED, images + " images made for " + DISTINCT
                + " distinct requests and " + fired.stalls() + " stalls");
        assertTrue(tokenRefusals <= IN_FLIGHT * fired.revocations(), tokenRefusals + " calls met a revoked token after "
                + fired.revocations() + " revocations: a refused token is dropped, so at most one per exchange in flight");
        // the repeats were answered from the stored objects
        assertTrue(reused >= REPEATS - OVERLAPS_ALLOWED && reused <= REPEATS,
                reused + " replies say reused, for " + REPEATS + " repeated requests");
        // one token at the cold start, then one per revocation: a refused token is dropped only if it
        // is still the cached one, and a refetch is shared by everyone waiting for it
        assertTrue(tokenCalls <= fired.revocations() + 1, tokenCalls + " token calls for " + fired.revocations() + " revocations");
    }
}
