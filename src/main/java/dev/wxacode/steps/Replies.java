package dev.wxacode.steps;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.core.CodeKind;
import dev.wxacode.core.FlowProperties;
import dev.wxacode.core.MessageHeaders;
import dev.wxacode.core.StoredCode;
import dev.wxacode.core.WxacodeException;
import dev.wxacode.reply.FailureClass;
import dev.wxacode.reply.ReplyError;
import dev.wxacode.reply.WxacodeReply;
import dev.wxacode.request.InvalidRequestException;
import dev.wxacode.request.WxacodeRequest;
import dev.wxacode.store.DisplayUrls;
import dev.wxacode.text.Untrusted;
import dev.wxacode.tracing.IngressTrace;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Builds the reply for the end of the pipeline: the stored code, or the failure that stopped it.
 * The HTTP status travels in {@link Exchange#HTTP_RESPONSE_CODE} for the HTTP ingress.
 */
public final class Replies {

    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
    /**
     * A failure's message goes into the reply and a log line; it may quote what the caller sent
     * (a violation, a header) or what WeChat answered, so it is escaped and bounded once more here.
     */
    static final int MESSAGE_MAX = 1024;

    private final ObjectMapper mapper;
    private final int retryAfterSeconds;
    private final DisplayUrls displayUrls;
    private final IngressTrace trace;

    /**
     * @param retryAfterSeconds what a 503 tells HTTP callers to wait before trying again
     * @param trace             the request's trace context, carried on by the HTTP reply
     */
    public Replies(ObjectMapper mapper, int retryAfterSeconds, DisplayUrls displayUrls, IngressTrace trace) {
        this.mapper = mapper;
        this.retryAfterSeconds = retryAfterSeconds;
        this.displayUrls = displayUrls;
        this.trace = trace;
    }

    public void ok(Exchange exchange) {
        StoredCode code = exchange.getProperty(FlowProperties.STORED, StoredCode.class);
        String requestId = exchange.getProperty(FlowProperties.REQUEST_ID, String.class);
        // the line in the log comes from RequestTracking, once the reply is out
        exchange.setProperty(FlowProperties.OUTCOME, "ok");
        answer(exchange, 200, WxacodeReply.ok(requestId, code, exchange.getProperty(FlowProperties.NUM_USED, Integer.class),
                displayUrls.urlFor(code).orElse(null)));
    }

    public void failure(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String requestId = requestIdOf(exchange);
        int status;
        ReplyError error;
        if (cause instanceof WxacodeException known) {
            status = known.httpStatus();
            String message = Untrusted.printable(known.getMessage(), MESSAGE_MAX);
            error = new ReplyError(known.code(), message, known.errcode(), known.retryable(),
                    cause instanceof InvalidRequestException invalid ? invalid.violations() : null);
            if (status >= 500) {
                LOG.warn("Request {}: {} {}", requestId, known.code(), message);
            } else {
                // the caller's mistake, answered as such: not a warning about this service
                LOG.info("Request {}: {} {}", requestId, known.code(), message);
            }
        } else if (FailureClass.of(cause) == FailureClass.TRANSIENT && FailureClass.causedBy(cause, SdkException.class)) {
            status = 503;
            error = new ReplyError("storage_unavailable", "object storage is unavailable: " + cause.getClass().getSimpleName(),
                    null, true, null);
            LOG.warn("Request {}: object storage failed: {}", requestId, Untrusted.printable(cause.getMessage(), MESSAGE_MAX));
        } else if (FailureClass.of(cause) == FailureClass.TRANSIENT) {
            // camel-http's connection failures and timeouts towards WeChat's code APIs
            String what = calledApi(exchange);
            status = 503;
            error = new ReplyError("wechat_unavailable", what + " is unavailable: " + cause.getClass().getSimpleName(),
                    null, true, null);
            LOG.warn("Request {}: {} unreachable: {}", requestId, what, cause.getClass().getName());
        } else {
            status = 500;
            error = new ReplyError("internal_error", "internal error; the service log has the details", null, true, null);
            LOG.error("Request {}: unexpected failure", requestId, cause);
        }
        exchange.setProperty(FlowProperties.OUTCOME, error.code());
        answer(exchange, status, WxacodeReply.error(requestId, error));
        if (status == 503) {
            exchange.getMessage().setHeader("Retry-After", retryAfterSeconds);
        } else if (status == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
    }

    /**
     * The request id a reply is sent under: the body's (even when the body was refused), else the
     * one the ingress found (a Kafka header), else a new one, kept so every later step agrees.
     */
    public static String requestIdOf(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String requestId = cause instanceof InvalidRequestException invalid ? invalid.requestId() : null;
        if (requestId == null) {
            requestId = exchange.getProperty(FlowProperties.REQUEST_ID, String.class);
        }
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
        }
        exchange.setProperty(FlowProperties.REQUEST_ID, requestId);
        return requestId;
    }

    private static String calledApi(Exchange exchange) {
        WxacodeRequest request = exchange.getProperty(FlowProperties.REQUEST, WxacodeRequest.class);
        return (request == null ? CodeKind.UNLIMITED : request.effectiveType()).what();
    }

    /** The reply as JSON bytes, ready for any ingress to send as it is. */
    private void answer(Exchange exchange, int status, WxacodeReply reply) {
        Message message = exchange.getMessage();
        MessageHeaders.clear(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        // a Kafka reply is readdressed from scratch; Camel's tracer puts its own traceparent on the record
        trace.addTo(exchange, message);
        try {
            message.setBody(mapper.writeValueAsBytes(reply));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a reply", e);
        }
    }
}
