package dev.wxacode.steps;

import dev.wxacode.core.FlowProperties;
import dev.wxacode.core.StoredCode;
import dev.wxacode.observe.PipelineMetrics;
import dev.wxacode.request.RequestRules;
import dev.wxacode.request.WxacodeRequest;
import dev.wxacode.text.Untrusted;
import dev.wxacode.tracing.IngressTrace;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The first step of each ingress. Counts the request in flight and, once its exchange is done,
 * however it ended (reply, error reply, left for Kafka to poll again), counts its outcome, times it
 * and writes the one line per request the logs keep, with the request id and trace id as fields of
 * their own (MDC: top-level in LOG_FORMAT=json).
 */
public final class RequestTracking {

    private static final Logger LOG = LoggerFactory.getLogger("dev.wxacode.requests");
    /** ECS's field for the trace id, and one of the service's own for the request id. */
    public static final String TRACE_ID_FIELD = "trace.id";
    public static final String REQUEST_ID_FIELD = "wxacode.request_id";

    private final PipelineMetrics metrics;
    private final IngressTrace trace;

    public RequestTracking(PipelineMetrics metrics, IngressTrace trace) {
        this.metrics = metrics;
        this.trace = trace;
    }

    public void begin(Exchange exchange) {
        String ingress = exchange.getProperty(FlowProperties.INGRESS, String.class);
        trace.remember(exchange);
        long started = System.nanoTime();
        metrics.requestStarted(ingress);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                finish(done, ingress, started);
            }
        });
    }

    private void finish(Exchange exchange, String ingress, long started) {
        long nanos = System.nanoTime() - started;
        // failed here means unhandled: over Kafka, an outage that outlasted the retries, polled again later
        String outcome = exchange.isFailed() ? "deferred" : exchange.getProperty(FlowProperties.OUTCOME, "unknown", String.class);
        StoredCode code = "ok".equals(outcome) ? exchange.getProperty(FlowProperties.STORED, StoredCode.class) : null;
        boolean reused = code != null && code.reused();
        metrics.requestFinished(ingress, outcome, reused, nanos);
        // every source of the id holds it to the rule already; this line must stay one line regardless
        String requestId = Untrusted.printable(exchange.getProperty(FlowProperties.REQUEST_ID, "-", String.class),
                RequestRules.REQUEST_ID_MAX);
        WxacodeRequest request = exchange.getProperty(FlowProperties.REQUEST, WxacodeRequest.class);
        // a request refused on the way in has no app or type yet
        String app = request == null ? "-" : request.effectiveApp();
        String type = request == null ? "-" : request.effectiveType().wireName();
        long millis = nanos / 1_000_000;
        // set here, around the one line: this runs on whichever thread completed the exchange (a
        // Vert.x event loop, a Kafka consumer), which may serve other requests before and after
        String traceId = trace.traceId(exchange);
        try (MDC.MDCCloseable id = MDC.putCloseable(REQUEST_ID_FIELD, requestId);
             MDC.MDCCloseable tid = traceId == null ? null : MDC.putCloseable(TRACE_ID_FIELD, traceId)) {
            if (code != null) {
                LOG.info("Request {} over {} for app {} ({}): ok, {} {} ({} bytes) in {} ms", requestId, ingress, app, type,
                        reused ? "reused" : "stored", code.fileId(), code.size(), millis);
            } else {
                LOG.info("Request {} over {} for app {} ({}): {} in {} ms", requestId, ingress, app, type, outcome, millis);
            }
        }
    }
}
