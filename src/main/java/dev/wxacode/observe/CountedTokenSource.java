package dev.wxacode.observe;

import dev.wxacode.token.AccessToken;
import dev.wxacode.token.TokenConfigurationException;
import dev.wxacode.token.TokenSource;

/** Counts the fetches of an app's token source, and how they ended. */
public final class CountedTokenSource implements TokenSource {

    private final String app;
    private final TokenSource source;
    private final PipelineMetrics metrics;

    public CountedTokenSource(String app, TokenSource source, PipelineMetrics metrics) {
        this.app = app;
        this.source = source;
        this.metrics = metrics;
    }

    @Override
    public AccessToken fetch() {
        try {
            AccessToken token = source.fetch();
            metrics.tokenFetched(app, "ok");
            return token;
        } catch (TokenConfigurationException e) {
            metrics.tokenFetched(app, "refused");
            throw e;
        } catch (RuntimeException e) {
            metrics.tokenFetched(app, "unavailable");
            throw e;
        }
    }
}
