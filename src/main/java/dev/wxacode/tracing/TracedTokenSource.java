package dev.wxacode.tracing;

import dev.wxacode.token.AccessToken;
import dev.wxacode.token.TokenSource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/** A span around each token fetch, current while it runs so that the request carries its context. */
final class TracedTokenSource implements TokenSource {

    static final String SPAN_NAME = "fetch access token";
    static final AttributeKey<String> APP = AttributeKey.stringKey("wxacode.app");
    static final AttributeKey<String> FROM = AttributeKey.stringKey("wxacode.token.source");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final TokenSource source;
    private final Tracer tracer;
    private final Attributes attributes;

    TracedTokenSource(TokenSource source, Tracer tracer, String app, String from) {
        this.source = source;
        this.tracer = tracer;
        this.attributes = Attributes.of(APP, app, FROM, from);
    }

    @Override
    public AccessToken fetch() {
        Span span = tracer.spanBuilder(SPAN_NAME).setSpanKind(SpanKind.CLIENT).setAllAttributes(attributes).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return source.fetch();
        } catch (RuntimeException | Error e) {
            // the class only: a message may quote an answer from the token endpoint
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            span.setAttribute(ERROR_TYPE, e.getClass().getName());
            throw e;
        } finally {
            span.end();
        }
    }
}
