package dev.wxacode.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
