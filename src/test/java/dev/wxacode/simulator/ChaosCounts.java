package dev.wxacode.simulator;

/**
 * What {@link Chaos} did since it was set: calls answered -1 ({@code busy}), HTTP 5xx, stalled,
 * calls that revoked every token (the call itself then meets its revoked token), 45009 bursts
 * opened and the 45009 answers they gave (the opening call included).
 */
public record ChaosCounts(int busy, int http5xx, int stalls, int revocations, int quotaBursts, int quotaRefusals) {

    /** Calls answered with a fault instead of an image: busy, 5xx and 45009 (stalls may still answer one, late). */
    public int faultAnswers() {
        return busy + http5xx + quotaRefusals;
    }
}
