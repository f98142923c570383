package dev.wxacode.tracing;

import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The W3C trace context of a request's ingress span, for its HTTP reply and its log line. Camel's
 * tracer writes it onto the incoming message as it starts the ingress route's span (replacing the
 * caller's traceparent, whose trace it continues); the pipeline drops every header on its way, so
 * the ingress keeps it as an exchange property first. Kafka replies and dead letters need none of
 * this: Camel's tracer writes their producer span's context onto the record as it is sent.
 */
public final class IngressTrace {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private static final String PROPERTY = "wxacodeTrace";
    /** Version 00 as W3C Trace Context defines it; what else arrives is not echoed. */
    private static final Pattern TRACEPARENT_FORMAT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    /** What W3C asks every hop to pass on at least; a longer one, or one with control characters, is not echoed. */
    private static final int TRACESTATE_MAX = 512;
    private static final Pattern TRACESTATE_FORMAT = Pattern.compile("[\\x20-\\x7e]{1," + TRACESTATE_MAX + "}");

    private record Context(String traceparent, String tracestate) {
        String traceId() {
            return traceparent.substring(3, 35);
        }
    }

    private final boolean enabled;

    IngressTrace(boolean enabled) {
        this.enabled = enabled;
    }

    /** At the start of an ingress route, after Camel's tracer has written its span's context. */
    public void remember(Exchange exchange) {
        if (!enabled) {
            return;
        }
        Message in = exchange.getIn();
        String traceparent = in.getHeader(TRACEPARENT, String.class);
        if (traceparent == null || !TRACEPARENT_FORMAT.matcher(traceparent).matches()) {
            return;
        }
        String tracestate = in.getHeader(TRACESTATE, String.class);
        if (tracestate != null && !TRACESTATE_FORMAT.matcher(tracestate).matches()) {
            tracestate = null;
        }
        exchange.setProperty(PROPERTY, new Context(traceparent, tracestate));
    }

    /** Puts the ingress span's traceparent (and tracestate) on the reply. */
    public void addTo(Exchange exchange, Message reply) {
        Context context = enabled ? exchange.getProperty(PROPERTY, Context.class) : null;
        if (context == null) {
            return;
        }
        reply.setHeader(TRACEPARENT, context.traceparent());
        if (context.tracestate() != null) {
            reply.setHeader(TRACESTATE, context.tracestate());
        }
    }

    /** The request's trace id (32 hex digits), or null when tracing is off or the ingress had none. */
    public String traceId(Exchange exchange) {
        Context context = enabled ? exchange.getProperty(PROPERTY, Context.class) : null;
        return context == null ? null : context.traceId();
    }
}
