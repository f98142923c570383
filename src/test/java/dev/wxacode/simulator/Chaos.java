package dev.wxacode.simulator;

import java.time.Duration;

/**
 * Random misbehaviour of getUnlimited, drawn per call from a seeded generator so a failing run can
 * be repeated: a share of calls answered -1, HTTP 5xx, stalled, with every token revoked, or opening
 * a burst of 45009s.
 */
public record Chaos(long seed, double busy, double http5xx, double stall, Duration stallFor, double revoke,
                    double quotaBurst, int quotaBurstLength) {
}
