package dev.wxacode.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.wxacode.core.WechatUnavailableException;
import dev.wxacode.quota.QuotaShare;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of a shared quota: each instance spaces its calls by its part of the coordination
 * partitions, as Kafka's assignors split them (sizes differing by at most one), so that together
 * the instances make 99 % of the quota (the pacer's 1 % headroom), never more and never less than
 * 98 %, at every instance count a 60-partition topic serves.
 */
class CallPacerShareTest {

    private static final int QUOTA = 5000;
    private static final int PARTITIONS = 60;

    @Test
    void theInstancesTogetherPaceToTheQuotaAtEveryInstanceCount() {
        CallPacer pacer = new CallPacer(QUOTA);
        for (int instances = 1; instances <= PARTITIONS; instances++) {
            double perMinute = 0;
            for (int i = 0; i < instances; i++) {
                // as the range, round-robin and sticky assignors split one topic's partitions
                int owned = PARTITIONS / instances + (i < PARTITIONS % instances ? 1 : 0);
                perMinute += TimeUnit.MINUTES.toNanos(1) / (double) pacer.intervalNanos((double) owned / PARTITIONS);
            }
            assertTrue(perMinute <= QUOTA && perMinute >= QUOTA * 0.98, instances + " instances: " + perMinute + " calls a minute");
            assertEquals(QUOTA * 0.99, perMinute, 0.01, instances + " instances");
        }
    }

    @Test
    void aThirdOfThePartitionsSpacesCallsThreeTimesWider() {
        CallPacer pacer = new CallPacer(QUOTA);
        assertEquals(3 * pacer.intervalNanos(1.0), pacer.intervalNanos(20.0 / 60), 3);
        assertEquals(Math.round(60e9 / (QUOTA * 0.99)), pacer.intervalNanos(1.0));
    }

    @Test
    void anInstanceWithoutAShareWaitsForOneAndGivesUpAfterTheWait() throws Exception {
        QuotaShare share = QuotaShare.none();
        CallPacer pacer = new CallPacer(QUOTA, share, Duration.ofSeconds(30));
        CompletableFuture<Long> call = CompletableFuture.supplyAsync(pacer::awaitSlot);
        Thread.sleep(200);
        assertTrue(!call.isDone(), "a call went out without a share");
        share.set(20, 60);
        assertTrue(call.get(5, TimeUnit.SECONDS) >= TimeUnit.MILLISECONDS.toNanos(200), "the wait for the share is counted");

        CallPacer unshared = new CallPacer(QUOTA, QuotaShare.none(), Duration.ofMillis(100));
        WechatUnavailableException e = assertThrows(WechatUnavailableException.class, unshared::awaitSlot);
        assertTrue(e.getMessage().contains("no share of the app's quota"), e.getMessage());
    }

    /**
     * A changed share applies from the next call on, also to calls already waiting: with a backlog of
     * slots reserved at the old rate, 40 waiting calls would keep the old spacing (here 30 ms) for a
     * second after the share went up, or go out faster than the new share after it went down.
     */
    @Test
    void aChangedShareAppliesToTheCallsAlreadyWaiting() throws Exception {
        QuotaShare share = QuotaShare.none();
        share.set(20, 60);
        // 6000 a minute: 30.3 ms apart at a third, 10.1 ms with the whole
        CallPacer pacer = new CallPacer(6000, share, Duration.ofSeconds(5));
        List<Long> sent = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(40);
        try {
            for (int i = 0; i < 40; i++) {
                callers.execute(() -> {
                    pacer.awaitSlot();
                    sent.add(System.nanoTime());
                });
            }
            while (sent.size() < 5) {
                Thread.sleep(1);
            }
            share.set(60, 60);
            long changed = System.nanoTime();
            callers.shutdown();
            assertTrue(callers.awaitTermination(10, TimeUnit.SECONDS));
            List<Long> after = sent.stream().filter(t -> t > changed).sorted().toList();
            double spacingMs = (after.get(after.size() - 1) - after.get(0)) / 1e6 / (after.size() - 1);
            assertTrue(spacingMs < 15, "calls after the share went up to the whole were " + spacingMs
                    + " ms apart, not about 10 (" + after.size() + " calls)");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void sharesAreFractionsOfAWhole() {
        assertEquals(1.0 / 3, QuotaShare.oneOf(3).fraction());
        assertEquals(1.0, QuotaShare.whole().fraction());
        assertEquals(0.0, QuotaShare.none().fraction());
        QuotaShare share = QuotaShare.none();
        share.set(30, 60);
        assertEquals(0.5, share.fraction());
        assertThrows(IllegalArgumentException.class, () -> share.set(61, 60));
        assertThrows(IllegalArgumentException.class, () -> QuotaShare.oneOf(0));
    }
}
