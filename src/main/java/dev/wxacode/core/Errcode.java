package dev.wxacode.core;

import java.util.Set;

/** How an errcode from the three code APIs is handled (shared/wechat-api.md, sections 1 and 2). */
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
    /** 45029: the app has made its 100,000 limited codes; no retry, ever, brings another. */
    public static final int LIFETIME_CAP_REACHED = 45029;

    // 40159: the path of a limited kind is empty or too long
    private static final Set<Integer> PERMANENT_CODES = Set.of(40097, 40129, 40159, 40169, 41030, 47001, 85096,
            LIFETIME_CAP_REACHED);

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
