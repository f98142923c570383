package dev.wxacode.observe;

import dev.wxacode.token.AccessToken;
import dev.wxacode.token.TokenConfigurationException;
import dev.wxacode.token.TokenSource;

/** Counts the fetches of the token source it wraps, and how they ended. */
public final class CountedTokenSource implements TokenSource {

    private final TokenSource source;
    private final PipelineMetrics metrics;

    public CountedTokenSource(TokenSource source, PipelineMetrics metrics) {
        this.source = source;
        this.metrics = metrics;
    }

    @Override
    public AccessToken fetch() {
        try {
            AccessToken token = source.fetch();
            metrics.tokenFetched("ok");
            return token;
        } catch (TokenConfigurationException e) {
            metrics.tokenFetched("refused");
            throw e;
        } catch (RuntimeException e) {
            metrics.tokenFetched("unavailable");
            throw e;
        }
    }
}
