package dev.wxacode.observe;

import dev.wxacode.FlowProperties;
import dev.wxacode.request.RequestRules;
import dev.wxacode.request.WxacodeRequest;
import dev.wxacode.store.StoredCode;
import dev.wxacode.text.Untrusted;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of each ingress. Counts the request in flight and, once its exchange is done,
 * however it ended (reply, error reply, left for Kafka to poll again), counts its outcome, times it
 * and writes the one line per request the logs keep.
 */
public final class RequestTracking {

    private static final Logger LOG = LoggerFactory.getLogger("dev.wxacode.requests");

    private final PipelineMetrics metrics;

    public RequestTracking(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    public void begin(Exchange exchange) {
        String ingress = exchange.getProperty(FlowProperties.INGRESS, String.class);
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
        if (code != null) {
            LOG.info("Request {} over {} for app {} ({}): ok, {} {} ({} bytes) in {} ms", requestId, ingress, app, type,
                    reused ? "reused" : "stored", code.fileId(), code.size(), millis);
        } else {
            LOG.info("Request {} over {} for app {} ({}): {} in {} ms", requestId, ingress, app, type, outcome, millis);
        }
    }
}
