package dev.wxacode.simulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Token issue and expiry as shared/wechat-api.md describes them:
 * <ul>
 *   <li>/cgi-bin/token issues a new token on every call; the previous one keeps working for 5 more minutes;</li>
 *   <li>/cgi-bin/stable_token returns the current token and its remaining life, and renews it only in its
 *       last 5 minutes (the old one then works until its own expiry) or on force_refresh;</li>
 *   <li>the two endpoints' tokens are independent.</li>
 * </ul>
 */
final class SimulatedTokens {

    enum State { VALID, EXPIRED, INVALID }

    record Issued(String token, long expiresIn) {
    }

    static final Duration RENEWAL_WINDOW = Duration.ofSeconds(300);
    static final Duration GRACE = Duration.ofSeconds(300);

    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiries = new HashMap<>();
    private final java.util.Set<String> everIssued = new java.util.HashSet<>();
    private String classic;
    private String stable;

    SimulatedTokens(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    synchronized Issued classic() {
        Instant now = clock.instant();
        if (classic != null) {
            shortenTo(classic, now.plus(GRACE));
        }
        classic = newToken(now);
        return new Issued(classic, lifetime.toSeconds());
    }

    synchronized Issued stable(boolean forceRefresh) {
        Instant now = clock.instant();
        if (stable != null && !forceRefresh) {
            Instant expiry = expiries.get(stable);
            if (expiry != null && now.isBefore(expiry.minus(RENEWAL_WINDOW))) {
                return new Issued(stable, Duration.between(now, expiry).toSeconds());
            }
        }
        if (stable != null && forceRefresh) {
            shortenTo(stable, now.plus(GRACE));
        }
        stable = newToken(now);
        return new Issued(stable, lifetime.toSeconds());
    }

    synchronized State check(String token) {
        Instant expiry = expiries.get(token);
        if (expiry == null) {
            return State.INVALID;
        }
        return clock.instant().isBefore(expiry) ? State.VALID : State.EXPIRED;
    }

    /** Every token stops working at once (40001), as after a secret reset; the next fetch gets a new one. */
    synchronized void revokeAll() {
        expiries.clear();
        classic = null;
        stable = null;
    }

    private void shortenTo(String token, Instant until) {
        expiries.computeIfPresent(token, (t, expiry) -> expiry.isBefore(until) ? expiry : until);
    }

    /** Every token ever issued, so tests can look for them where they must not be. */
    synchronized java.util.Set<String> issued() {
        return java.util.Set.copyOf(everIssued);
    }

    private String newToken(Instant now) {
        // real tokens are long opaque strings; 136 characters like theirs
        byte[] bytes = new byte[102];
        random.nextBytes(bytes);
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiries.put(token, now.plus(lifetime));
        everIssued.add(token);
        TokenLedger.record(token);
        return token;
    }
}
