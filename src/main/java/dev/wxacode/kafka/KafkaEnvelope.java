package dev.wxacode.kafka;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wxacode.FlowProperties;
import dev.wxacode.MessageHeaders;
import dev.wxacode.reply.Replies;
import dev.wxacode.reply.WxacodeException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * What the Kafka ingress keeps of a consumed record, and how it addresses what it sends back:
 * the reply goes out under the request's key with its request id and the caller's correlation
 * headers; a dead letter carries the original bytes and says why and where they came from.
 */
public final class KafkaEnvelope {

    public static final String REQUEST_ID_HEADER = "requestId";
    public static final String ERROR_CODE_HEADER = "wxacode-error-code";
    public static final String ERROR_MESSAGE_HEADER = "wxacode-error-message";
    public static final String ORIGINAL_TOPIC_HEADER = "wxacode-original-topic";
    public static final String ORIGINAL_PARTITION_HEADER = "wxacode-original-partition";
    public static final String ORIGINAL_OFFSET_HEADER = "wxacode-original-offset";

    private static final String KEY = "wxacodeKafkaKey";
    private static final String VALUE = "wxacodeKafkaValue";
    private static final String ORIGIN = "wxacodeKafkaOrigin";
    private static final String CORRELATION = "wxacodeKafkaCorrelation";
    private static final String COMMIT = "wxacodeKafkaCommit";

    private record Origin(String topic, Integer partition, Long offset) {
    }

    private final List<String> correlationHeaders;

    public KafkaEnvelope(List<String> correlationHeaders) {
        this.correlationHeaders = List.copyOf(correlationHeaders);
    }

    /** Keeps what the reply and a dead letter need before the pipeline reuses the message. */
    public void receive(Exchange exchange) {
        Message message = exchange.getMessage();
        exchange.setProperty(KEY, message.getHeader(KafkaConstants.KEY));
        exchange.setProperty(VALUE, message.getBody(byte[].class));
        exchange.setProperty(ORIGIN, new Origin(message.getHeader(KafkaConstants.TOPIC, String.class),
                message.getHeader(KafkaConstants.PARTITION, Integer.class),
                message.getHeader(KafkaConstants.OFFSET, Long.class)));
        exchange.setProperty(COMMIT, message.getHeader(KafkaConstants.MANUAL_COMMIT));
        Map<String, Object> correlation = new LinkedHashMap<>();
        for (String name : correlationHeaders) {
            Object value = message.getHeader(name);
            if (value != null) {
                correlation.put(name, value);
            }
        }
        exchange.setProperty(CORRELATION, correlation);
        String requestId = text(message.getHeader(REQUEST_ID_HEADER));
        if (requestId != null && !requestId.isBlank()) {
            // the body's requestId, if any, still wins (RequestIntake)
            exchange.setProperty(FlowProperties.REQUEST_ID, requestId);
        }
    }

    /** The reply in the body goes out under the request's key, with the request id and correlation headers. */
    public void addressReply(Exchange exchange) {
        Message message = exchange.getMessage();
        MessageHeaders.clear(message);
        address(exchange, message);
    }

    /** Replaces the body with the request's original bytes, and says why they could not be processed. */
    public void deadLetter(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Origin origin = exchange.getProperty(ORIGIN, Origin.class);
        Message message = exchange.getMessage();
        MessageHeaders.clear(message);
        address(exchange, message);
        message.setBody(exchange.getProperty(VALUE, byte[].class));
        message.setHeader(ERROR_CODE_HEADER, cause instanceof WxacodeException known ? known.code() : "internal_error");
        message.setHeader(ERROR_MESSAGE_HEADER, cause instanceof WxacodeException ? cause.getMessage()
                : "internal error (" + (cause == null ? "unknown" : cause.getClass().getName()) + "); the service log has the details");
        message.setHeader(ORIGINAL_TOPIC_HEADER, origin.topic());
        message.setHeader(ORIGINAL_PARTITION_HEADER, String.valueOf(origin.partition()));
        message.setHeader(ORIGINAL_OFFSET_HEADER, String.valueOf(origin.offset()));
    }

    /** Commits the record's offset: called only once its reply or dead letter is acknowledged by the broker. */
    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getProperty(COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }

    private void address(Exchange exchange, Message message) {
        Object key = exchange.getProperty(KEY);
        if (key != null) {
            message.setHeader(KafkaConstants.KEY, key);
        }
        message.setHeader(REQUEST_ID_HEADER, Replies.requestIdOf(exchange));
        @SuppressWarnings("unchecked")
        Map<String, Object> correlation = exchange.getProperty(CORRELATION, Map.class);
        if (correlation != null) {
            correlation.forEach(message::setHeader);
        }
    }

    private static String text(Object header) {
        if (header instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return header == null ? null : header.toString();
    }
}
