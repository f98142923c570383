package dev.wxacode.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The in-memory access token of this instance.
 *
 * <p>Single flight: however many requests find the cache empty or stale at once, one of them
 * fetches and the others wait for that same fetch, its token or its failure. Without that, a cold
 * start under load fires one token call per request.
 *
 * <p>Refresh ahead: a token counts as stale {@code refreshMargin} before WeChat's expiry. The
 * margin must stay below WeChat's 300 s renewal window, because stable_token hands out the current
 * token with as little as ~300 s left: a larger margin would treat that token as stale at once and
 * fetch again on every request until the platform renews it.
 */
public final class AccessTokenCache {

    /** stable_token renews a token in the last 5 minutes of its life. */
    public static final Duration PLATFORM_RENEWAL_WINDOW = Duration.ofSeconds(300);

    private final TokenSource source;
    private final Clock clock;
    private final Duration refreshMargin;

    private final Duration configurationErrorHold;

    private Cached current;
    private CompletableFuture<AccessToken> inFlight;
    private TokenConfigurationException configurationError;
    private Instant configurationErrorUntil = Instant.MIN;

    private record Cached(AccessToken token, Instant staleAt) {
    }

    public AccessTokenCache(TokenSource source, Clock clock, Duration refreshMargin) {
        this(source, clock, refreshMargin, Duration.ZERO);
    }

    /**
     * @param configurationErrorHold how long a refusal for a configuration fault (wrong app id or
     *                               secret, IP not whitelisted) is repeated without asking WeChat
     *                               again: retrying cannot help, and hammering the token endpoint
     *                               with every request only burns its daily limit
     */
    public AccessTokenCache(TokenSource source, Clock clock, Duration refreshMargin, Duration configurationErrorHold) {
        if (refreshMargin.isNegative() || refreshMargin.compareTo(PLATFORM_RENEWAL_WINDOW) >= 0) {
            throw new IllegalArgumentException("wechat.token.refresh-margin-seconds must be between 0 and "
                    + (PLATFORM_RENEWAL_WINDOW.toSeconds() - 1) + " (was " + refreshMargin.toSeconds() + ")");
        }
        this.source = source;
        this.clock = clock;
        this.refreshMargin = refreshMargin;
        this.configurationErrorHold = configurationErrorHold;
    }

    /** A token that is not stale, fetched only if needed. */
    public AccessToken get() {
        CompletableFuture<AccessToken> fetch;
        boolean leader = false;
        synchronized (this) {
            if (current != null && clock.instant().isBefore(current.staleAt())) {
                return current.token();
            }
            if (configurationError != null && clock.instant().isBefore(configurationErrorUntil)) {
                throw configurationError;
            }
            if (inFlight == null) {
                inFlight = new CompletableFuture<>();
                leader = true;
            }
            fetch = inFlight;
        }
        if (leader) {
            fetchFor(fetch);
        }
        try {
            return fetch.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * Forgets {@code rejected} after WeChat refused it (40001, 40014, 42001), but only if it is
     * still the cached one: another request may already have replaced it, and dropping that newer
     * token would cost a second fetch for nothing.
     */
    public synchronized void invalidate(AccessToken rejected) {
        if (current != null && current.token().equals(rejected)) {
            current = null;
        }
    }

    private void fetchFor(CompletableFuture<AccessToken> fetch) {
        Instant fetchedAt = clock.instant();
        AccessToken token;
        try {
            token = source.fetch();
        } catch (Throwable e) {
            // whatever went wrong, the callers waiting on this fetch must hear of it, not wait forever
            synchronized (this) {
                inFlight = null;
                if (e instanceof TokenConfigurationException refused) {
                    configurationError = refused;
                    configurationErrorUntil = clock.instant().plus(configurationErrorHold);
                }
            }
            fetch.completeExceptionally(e);
            return;
        }
        synchronized (this) {
            current = new Cached(token, fetchedAt.plusSeconds(token.expiresInSeconds()).minus(refreshMargin));
            inFlight = null;
            configurationError = null;
        }
        fetch.complete(token);
    }
}
