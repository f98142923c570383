package dev.wxacode.token;

import java.util.Locale;

/** Which WeChat endpoint issues tokens. */
public enum TokenEndpoint {
    /**
     * {@code POST /cgi-bin/stable_token}: every caller gets the same token while it is valid, so
     * any number of instances can share it without a shared store.
     */
    STABLE,
    /**
     * {@code GET /cgi-bin/token}: each call issues a new token and retires the previous one after
     * 5 minutes, so several instances using it knock each other out (the classic 40001).
     */
    CLASSIC;

    public static TokenEndpoint parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("wechat.token.endpoint must be stable or classic (was " + name + ")");
        }
    }
}
