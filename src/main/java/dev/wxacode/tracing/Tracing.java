package dev.wxacode.tracing;

import dev.wxacode.token.TokenRequestHeaders;
import dev.wxacode.token.TokenSource;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * What the service's own code does for tracing, beside Camel's spans: a span around each token
 * fetch, the trace context on the token request, and the ingress trace for replies and the log.
 * Off, every part of it is a pass-through that touches no OpenTelemetry class on the request path.
 */
public final class Tracing {

    /** The instrumentation scope of the service's own spans; Camel's are under "camel". */
    static final String SCOPE = "dev.wxacode";

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final IngressTrace ingress;

    private Tracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry == null ? null : openTelemetry.getTracer(SCOPE);
        this.ingress = new IngressTrace(openTelemetry != null);
    }

    public static Tracing off() {
        return new Tracing(null);
    }

    public static Tracing on(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry);
    }

    public boolean enabled() {
        return openTelemetry != null;
    }

    /**
     * The source, each fetch a span of its own ("fetch access token") under the request that
     * triggered it: the single-flight cache lets one request fetch for all waiting on it.
     *
     * @param from wechat or token-service, where the token comes from
     */
    public TokenSource traced(TokenSource source, String app, String from) {
        return enabled() ? new TracedTokenSource(source, tracer, app, from) : source;
    }

    /** The current span's context as headers (traceparent, tracestate) on each token request. */
    public TokenRequestHeaders tokenRequestHeaders() {
        if (!enabled()) {
            return TokenRequestHeaders.NONE;
        }
        return header -> openTelemetry.getPropagators().getTextMapPropagator()
                .inject(Context.current(), header, (carrier, name, value) -> carrier.accept(name, value));
    }

    public IngressTrace ingress() {
        return ingress;
    }
}
