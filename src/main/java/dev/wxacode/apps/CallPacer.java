package dev.wxacode.apps;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces getUnlimited calls evenly so that this instance stays within its share of WeChat's quota
 * (5000 calls a minute per app, 45009 beyond it). Each caller reserves the next free slot and
 * waits for it, so a burst of requests turns into a steady stream instead of a wall of 45009s.
 * An idle pacer lets the next call through at once; it never saves up unused slots for a burst.
 *
 * <p>Calls are spaced 1 % wider than the configured rate gives: calls spaced exactly at the quota
 * arrive at WeChat with network jitter, and a call delayed a little more than the one after it puts
 * one call too many into some minute. The 1 % covers jitter of up to a hundredth of the spacing
 * times the calls in a window (at 5000/min: about 600 ms).
 */
public final class CallPacer {

    private static final double HEADROOM = 0.99;

    private final long intervalNanos;
    private final AtomicLong nextSlot = new AtomicLong(Long.MIN_VALUE);

    /** @param callsPerMinute 0 switches pacing off */
    public CallPacer(int callsPerMinute) {
        if (callsPerMinute < 0) {
            throw new IllegalArgumentException("wechat.pace.calls-per-minute must be 0 (off) or more (was " + callsPerMinute + ")");
        }
        this.intervalNanos = callsPerMinute == 0 ? 0 : Math.round(TimeUnit.MINUTES.toNanos(1) / (callsPerMinute * HEADROOM));
    }

    /** Waits for this call's slot; returns how long it waited, in nanoseconds. */
    public long awaitSlot() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = System.nanoTime();
        long slot = nextSlot.getAndUpdate(next -> Math.max(next, now) + intervalNanos);
        long wait = Math.max(slot, now) - now;
        if (wait > 0) {
            LockSupport.parkNanos(wait);
            while (System.nanoTime() < slot) {
                LockSupport.parkNanos(slot - System.nanoTime());
            }
        }
        return wait;
    }

    /** WeChat said 45009 anyway (another instance, another client of the same app): everyone waits a while. */
    public void slowDown(Duration pause) {
        if (intervalNanos == 0) {
            return;
        }
        long until = System.nanoTime() + pause.toNanos();
        nextSlot.getAndUpdate(next -> Math.max(next, until));
    }
}
