package dev.wxacode.apps;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.wxacode.core.WechatUnavailableException;
import dev.wxacode.quota.QuotaShare;

/**
 * Spaces an app's code calls evenly so that this instance stays within its share of WeChat's quota
 * (5000 calls a minute per app, 45009 beyond it). Calls wait in line and go out one spacing apart,
 * so a burst of requests turns into a steady stream instead of a wall of 45009s.
 * An idle pacer lets the next call through at once; it never saves up unused slots for a burst.
 *
 * <p>The share ({@link QuotaShare}) is read at every call, so a change (an instance joined or left
 * the deployment) applies from the next call on. An instance without a share waits for one.
 *
 * <p>Calls are spaced 1 % wider than the configured rate gives: calls spaced exactly at the quota
 * arrive at WeChat with network jitter, and a call delayed a little more than the one after it puts
 * one call too many into some minute. The 1 % covers jitter of up to a hundredth of the spacing
 * times the calls in a window (at 5000/min: about 600 ms).
 */
public final class CallPacer {

    private static final double HEADROOM = 0.99;
    /** How often the call at the head of the line looks at the share again while it waits. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final int callsPerMinute;
    private final QuotaShare share;
    private final Duration shareWait;
    /**
     * Fair: calls go out in the order they came. Only the call at the head of the line waits for the
     * time, and it reads the share and any pause again every few milliseconds; the calls behind it
     * hold no slot of their own. So a changed share or a pause applies from the next call on, not after
     * a backlog of slots reserved at the old rate (64 calls in flight at a third of 1200 a minute
     * would otherwise keep the old spacing for 9.6 s, above or below the new share).
     */
    private final ReentrantLock line = new ReentrantLock(true);
    /** When the last call went out; guarded by line. */
    private long lastCall;
    private boolean called;
    private volatile long pausedUntil = System.nanoTime();

    /** All of the quota for this instance. @param callsPerMinute 0 switches pacing off */
    public CallPacer(int callsPerMinute) {
        this(callsPerMinute, QuotaShare.whole(), Duration.ZERO);
    }

    /**
     * @param callsPerMinute the app's quota for the whole deployment; 0 switches pacing off
     * @param share          this instance's part of it
     * @param shareWait      how long a call waits for a share before it fails as unavailable (retried later)
     */
    public CallPacer(int callsPerMinute, QuotaShare share, Duration shareWait) {
        if (callsPerMinute < 0) {
            throw new IllegalArgumentException("wechat.pace.calls-per-minute must be 0 (off) or more (was " + callsPerMinute + ")");
        }
        this.callsPerMinute = callsPerMinute;
        this.share = share;
        this.shareWait = shareWait;
    }

    /** The spacing of calls at a share of the quota; 0 when pacing is off. */
    long intervalNanos(double fraction) {
        if (callsPerMinute == 0) {
            return 0;
        }
        return Math.round(TimeUnit.MINUTES.toNanos(1) / (callsPerMinute * fraction * HEADROOM));
    }

    /** Waits for this call's turn; returns how long it waited, in nanoseconds. */
    public long awaitSlot() {
        if (callsPerMinute == 0) {
            return 0;
        }
        long start = System.nanoTime();
        line.lock();
        try {
            while (true) {
                long interval = intervalNanos(awaitShare(start));
                long now = System.nanoTime();
                long due = called ? lastCall + interval : now;
                if (pausedUntil - due > 0) {
                    due = pausedUntil;
                }
                if (now - due >= 0) {
                    // behind by more than a spacing: the pacer was idle, and idle time is not saved up for a burst
                    lastCall = now - due > interval ? now : due;
                    called = true;
                    return now - start;
                }
                LockSupport.parkNanos(Math.min(due - now, RECHECK_NANOS));
            }
        } finally {
            line.unlock();
        }
    }

    /**
     * An instance that holds no part of the quota (starting, or between a revocation and its next
     * assignment) must not call: it checks every 10 ms, the share changes a few times a day.
     */
    private double awaitShare(long start) {
        double fraction = share.fraction();
        while (fraction == 0) {
            if (System.nanoTime() - start >= shareWait.toNanos()) {
                throw WechatUnavailableException.unavailable("WeChat's code API",
                        "this instance holds no share of the app's quota yet (" + share + " coordination partitions)");
            }
            LockSupport.parkNanos(RECHECK_NANOS);
            fraction = share.fraction();
        }
        return fraction;
    }

    /** WeChat said 45009 anyway (another client of the same app, or the deployment told us): everyone waits a while. */
    public void slowDown(Duration pause) {
        if (callsPerMinute == 0) {
            return;
        }
        long until = System.nanoTime() + pause.toNanos();
        synchronized (this) {
            if (until - pausedUntil > 0) {
                pausedUntil = until;
            }
        }
    }
}
