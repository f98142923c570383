package dev.wxacode.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import dev.wxacode.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AccessTokenCacheTest {

    private static final Duration MARGIN = Duration.ofSeconds(200);
    private static final int THREADS = 32;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** Hands out t1, t2, ... from {@code make}, counting calls. */
    private static final class CountingSource implements TokenSource {
        private final AtomicInteger calls = new AtomicInteger();
        private final IntFunction<AccessToken> make;

        CountingSource(IntFunction<AccessToken> make) {
            this.make = make;
        }

        CountingSource(long expiresIn) {
            this(n -> new AccessToken("t" + n, expiresIn));
        }

        @Override
        public AccessToken fetch() {
            return make.apply(calls.incrementAndGet());
        }

        int calls() {
            return calls.get();
        }
    }

    private AccessTokenCache cache(TokenSource source) {
        return new AccessTokenCache(source, clock, MARGIN);
    }

    /** Runs get() on THREADS threads released together; {@code arrived} counts down as each is about to call. */
    private List<Future<AccessToken>> getConcurrently(AccessTokenCache cache, CountDownLatch arrived) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<AccessToken>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            results.add(pool.submit(() -> {
                start.await();
                arrived.countDown();
                return cache.get();
            }));
        }
        start.countDown();
        return results;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void secondGetWithinLifetimeReusesToken() {
        CountingSource source = new CountingSource(7200);
        AccessTokenCache cache = cache(source);

        AccessToken first = cache.get();
        clock.advance(Duration.ofSeconds(6999));

        assertSame(first, cache.get());
        assertEquals(1, source.calls());
    }

    @Test
    void fetchesAgainOnceExpiresInMinusMarginHasElapsed() {
        CountingSource source = new CountingSource(7200);
        AccessTokenCache cache = cache(source);

        cache.get();
        clock.advance(Duration.ofSeconds(7200 - 200));

        assertEquals("t2", cache.get().value());
        assertEquals(2, source.calls());
    }

    @Test
    void tokenWithJustOverRenewalWindowLeftIsReusedUntilMarginThenRefreshed() {
        // stable_token may hand out a token with ~300 s left; a margin under 300 s must still reuse it
        CountingSource source = new CountingSource(310);
        AccessTokenCache cache = cache(source);

        cache.get();
        clock.advance(Duration.ofSeconds(100));
        assertEquals("t1", cache.get().value());
        assertEquals(1, source.calls());

        clock.advance(Duration.ofSeconds(10));
        assertEquals("t2", cache.get().value());
        assertEquals(2, source.calls());
    }

    @Test
    void marginOfRenewalWindowOrMoreIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AccessTokenCache(new CountingSource(7200), clock, Duration.ofSeconds(300)));

        assertTrue(e.getMessage().contains("wechat.token.refresh-margin-seconds"), e.getMessage());
    }

    @Test
    void negativeMarginIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AccessTokenCache(new CountingSource(7200), clock, Duration.ofSeconds(-1)));

        assertTrue(e.getMessage().contains("wechat.token.refresh-margin-seconds"), e.getMessage());
    }

    @Test
    void marginsJustInsideTheRangeAreAccepted() {
        new AccessTokenCache(new CountingSource(7200), clock, Duration.ZERO);
        new AccessTokenCache(new CountingSource(7200), clock, Duration.ofSeconds(299));
    }

    @Test
    void concurrentGetsOnEmptyCacheShareOneFetch() throws Exception {
        CountDownLatch arrived = new CountDownLatch(THREADS);
        CountingSource source = new CountingSource(n -> {
            sleep(200);
            return new AccessToken("t" + n, 7200);
        });
        AccessTokenCache cache = cache(source);

        List<Future<AccessToken>> results = getConcurrently(cache, arrived);

        AccessToken first = results.get(0).get(10, TimeUnit.SECONDS);
        for (Future<AccessToken> result : results) {
            assertSame(first, result.get(10, TimeUnit.SECONDS));
        }
        assertEquals(1, source.calls());
    }

    @Test
    void failedFetchIsSharedByConcurrentCallers() throws Exception {
        RuntimeException failure = new IllegalStateException("token endpoint down");
        CountDownLatch arrived = new CountDownLatch(THREADS);
        CountingSource source = new CountingSource(n -> {
            // fail only once every caller is on its way into get(), so none can start a second fetch
            try {
                arrived.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sleep(200);
            throw failure;
        });
        AccessTokenCache cache = cache(source);

        for (Future<AccessToken> result : getConcurrently(cache, arrived)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
            assertSame(failure, e.getCause());
        }
        assertEquals(1, source.calls());
    }

    @Test
    void getAfterFailedFetchFetchesAgain() {
        CountingSource source = new CountingSource(n -> {
            if (n == 1) {
                throw new IllegalStateException("token endpoint down");
            }
            return new AccessToken("t" + n, 7200);
        });
        AccessTokenCache cache = cache(source);

        assertThrows(IllegalStateException.class, cache::get);

        assertEquals("t2", cache.get().value());
        assertEquals(2, source.calls());
    }

    @Test
    void anErrorFromTheSourceDoesNotLeaveLaterCallersWaiting() {
        CountingSource source = new CountingSource(n -> {
            if (n == 1) {
                throw new AssertionError("broken token source");
            }
            return new AccessToken("t" + n, 7200);
        });
        AccessTokenCache cache = cache(source);

        assertThrows(AssertionError.class, cache::get);

        assertEquals("t2", assertTimeoutPreemptively(Duration.ofSeconds(2), cache::get).value());
    }

    @Test
    void invalidatingCurrentTokenCausesRefetch() {
        CountingSource source = new CountingSource(7200);
        AccessTokenCache cache = cache(source);

        cache.invalidate(cache.get());

        assertEquals("t2", cache.get().value());
        assertEquals(2, source.calls());
    }

    @Test
    void invalidatingOlderTokenKeepsCurrentOne() {
        CountingSource source = new CountingSource(7200);
        AccessTokenCache cache = cache(source);
        AccessToken older = cache.get();
        clock.advance(Duration.ofSeconds(7000));
        AccessToken current = cache.get();

        cache.invalidate(older);

        assertSame(current, cache.get());
        assertEquals(2, source.calls());
    }

    @Test
    void cachedTokenToStringDoesNotRevealValue() {
        AccessTokenCache cache = cache(() -> new AccessToken("SECRET-VALUE", 7200));

        assertFalse(cache.get().toString().contains("SECRET-VALUE"));
    }
}
