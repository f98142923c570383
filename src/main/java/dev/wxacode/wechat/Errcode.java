package dev.wxacode.wechat;

import java.util.Set;

/** How an errcode from getUnlimited is handled (shared/wechat-api.md, section 1). */
public enum Errcode {
    /** The token was refused: drop it, fetch another, retry once. */
    TOKEN,
    /** Busy or rate limited: retry with backoff. */
    TRANSIENT,
    /** The request is wrong: answer the caller, never retry. */
    PERMANENT,
    /** Not in the table: treated as an outage the caller may retry. */
    UNKNOWN;

    private static final Set<Integer> TOKEN_CODES = Set.of(40001, 40014, 42001);
    private static final Set<Integer> TRANSIENT_CODES = Set.of(-1, 45009, 45011);
    private static final Set<Integer> PERMANENT_CODES = Set.of(40097, 40129, 40169, 41030, 47001, 85096);

    public static Errcode classOf(int errcode) {
        if (TOKEN_CODES.contains(errcode)) {
            return TOKEN;
        }
        if (TRANSIENT_CODES.contains(errcode)) {
            return TRANSIENT;
        }
        if (PERMANENT_CODES.contains(errcode)) {
            return PERMANENT;
        }
        return UNKNOWN;
    }
}
