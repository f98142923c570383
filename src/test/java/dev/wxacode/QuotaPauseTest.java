package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.Fault;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WeChat's 45009 (quota) although the pacer kept to its share: every call of that app from this
 * instance waits wechat.pace.quota-pause-ms (CallPacer.slowDown, from WechatCodeCall.classify), the
 * retry of the refused request as well as requests that arrive during the pause; another app's calls
 * are not held. Times are the simulator's arrival times of the calls, System.nanoTime() in this JVM.
 *
 * <p>Only lower bounds on waits are asserted, and they are strict by construction: the pause is
 * set after the 45009 has reached the simulator, so a paused call arrives more than the pause after
 * it, however loaded the machine. The one bound the other way, that the other app's call arrives
 * within the pause, allows {@value #PAUSE_MS} ms for one request that waits for nothing; a loaded
 * 2-core machine answers such a request in well under a second.
 */
class QuotaPauseTest extends PipelineTestSupport {

    private static final long PAUSE_MS = 5000;
    private static final String SHOP_ID = "wx000000000pshop";
    private static final String SHOP_SECRET = "pause-shop-secret-7d1e3f";
    private static final String HTTP_RETRIES = "wxacode_retries_total{ingress=\"http\"}";

    @BeforeAll
    static void twoAppsAndAPauseLongEnoughToSee() throws Exception {
        addAppWithSecretInFile("shop", SHOP_ID, SHOP_SECRET);
        // pacing stays on (5000/min, the default): slowDown works through the pacer and is a no-op without it
        stack.with("wechat.apps", "default,shop");
        restartAppWith("wechat.pace.quota-pause-ms", Long.toString(PAUSE_MS));
    }

    @Test
    void a45009PausesEveryCallOfThatAppAndNoOtherApps() throws Exception {
        // tokens of both apps fetched first, so that the calls below wait for nothing but the pacer
        assertEquals(200, post("{\"scene\":\"warm=1\"}").status());
        assertEquals(200, post("{\"app\":\"shop\",\"scene\":\"warm=1\"}").status());
        sim().reset();
        double retriesBefore = retries();
        sim().failNextCodeCalls(Fault.errcode(45009));

        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            long sentRefused = System.nanoTime();
            Future<Reply> refused = callers.submit(() -> post("{\"scene\":\"refused=1\"}"));
            // the redelivery is counted after classify has slowed the pacer down: from then on the app is paused
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (retries() == retriesBefore && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(retriesBefore + 1, retries(), "the 45009 was retried");
            long quota = sim().codeCallTimes().get(0);

            Future<Reply> during = callers.submit(() -> post("{\"scene\":\"during-pause=1\"}"));
            Reply otherApp = post("{\"app\":\"shop\",\"scene\":\"other-app=1\"}");

            Reply retried = refused.get(60, TimeUnit.SECONDS);
            long refusedAnswered = System.nanoTime();
            assertEquals(200, retried.status(), retried.body().toString());
            assertEquals(200, during.get(60, TimeUnit.SECONDS).status());
            assertEquals(200, otherApp.status(), otherApp.body().toString());

            List<Long> defaultCalls = sim().codeCallTimes(LocalStack.APP_ID);
            List<Long> shopCalls = sim().codeCallTimes(SHOP_ID);
            assertEquals(4, sim().codeCalls(), "the 45009, its retry, the request during the pause, the other app's");
            assertEquals(2, defaultCalls.size(), "the retry and the request during the pause: " + defaultCalls);
            assertEquals(1, shopCalls.size());
            long pause = TimeUnit.MILLISECONDS.toNanos(PAUSE_MS);
            for (long call : defaultCalls) {
                assertTrue(call - quota >= pause, "a call of the paused app " + millis(quota, call)
                        + " ms after the 45009, within the pause of " + PAUSE_MS + " ms");
            }
            assertTrue(shopCalls.get(0) - quota < pause, "the other app's call waited for the pause: "
                    + millis(quota, shopCalls.get(0)) + " ms after the 45009");
            assertTrue(refusedAnswered - sentRefused >= pause, "the refused request was answered within the pause");
            System.out.printf("quota pause of %d ms: the paused app's calls %d and %d ms after the 45009, the other app's"
                            + " after %d ms; the refused request answered after %d ms%n",
                    PAUSE_MS, millis(quota, defaultCalls.get(0)), millis(quota, defaultCalls.get(1)),
                    millis(quota, shopCalls.get(0)), millis(sentRefused, refusedAnswered));
        } finally {
            callers.shutdownNow();
        }
    }

    private static long millis(long from, long to) {
        return Duration.ofNanos(to - from).toMillis();
    }

    private static double retries() throws Exception {
        return metricSamples().getOrDefault(HTTP_RETRIES, 0.0);
    }
}
