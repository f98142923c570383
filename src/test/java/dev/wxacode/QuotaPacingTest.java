package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * WeChat's 5000 calls a minute, scaled down for CI: a pace of 600/min against a simulator that
 * refuses the 251st call in any 25 seconds (the same 600/min), offered 300 unique requests at once.
 * The pacer's 1 % headroom absorbs jitter of 1 % of the window: 600 ms against WeChat's minute,
 * 250 ms here (a 10 s window left only 100 ms, less than a loaded 2-core machine delays a call).
 * Unpaced, the burst would meet 50 refusals. The full-rate run belongs to the benchmark.
 */
class QuotaPacingTest extends PipelineTestSupport {

    private static final int PACE_PER_MINUTE = 600;
    private static final int REQUESTS = 300;

    @AfterAll
    static void unpaced() throws Exception {
        sim().enforceQuota(0, Duration.ofMinutes(1));
    }

    @Test
    void aBurstIsSpreadAtThePaceAndNeverHitsTheQuota() throws Exception {
        restartAppWith("wechat.pace.calls-per-minute", Integer.toString(PACE_PER_MINUTE));
        sim().reset();
        sim().enforceQuota(PACE_PER_MINUTE * 25 / 60, Duration.ofSeconds(25));

        List<Callable<Reply>> burst = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String scene = "paced=" + i;
            burst.add(() -> post("{\"scene\":\"" + scene + "\"}"));
        }
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try {
            for (Future<Reply> reply : callers.invokeAll(burst)) {
                assertEquals(200, reply.get().status(), reply.get().body().toString());
            }
        } finally {
            callers.shutdownNow();
        }

        assertEquals(0, sim().quotaRefusals(), "no 45009");
        assertEquals(REQUESTS, sim().codeCalls());
        double perMinute = (REQUESTS - 1) * 60_000.0 / sim().codeCallSpan().toMillis();
        System.out.printf("quota pacing: %d calls in %.1f s = %.1f/min at a pace of %d/min, 45009 seen: %d%n",
                REQUESTS, sim().codeCallSpan().toMillis() / 1000.0, perMinute, PACE_PER_MINUTE, sim().quotaRefusals());
        assertTrue(Math.abs(perMinute - PACE_PER_MINUTE) <= PACE_PER_MINUTE * 0.05,
                "achieved " + perMinute + "/min, within 5 % of " + PACE_PER_MINUTE);
    }
}
