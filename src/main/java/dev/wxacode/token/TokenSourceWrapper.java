package dev.wxacode.token;

/** What the service puts around each app's token source (metrics, tracing), from outside this package. */
@FunctionalInterface
public interface TokenSourceWrapper {

    /** @param from wechat or token-service, where the tokens come from */
    TokenSource wrap(String app, TokenSource source, String from);
}
