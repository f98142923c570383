package dev.wxacode.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wxacode.core.FlowProperties;
import dev.wxacode.core.MessageHeaders;
import dev.wxacode.core.WxacodeException;
import dev.wxacode.request.RequestRules;
import dev.wxacode.request.Violation;
import dev.wxacode.steps.Replies;
import dev.wxacode.text.Untrusted;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Headers;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * What the Kafka ingress keeps of a consumed record, and how it addresses what it sends back:
 * the reply goes out under the request's key with its request id and the caller's correlation
 * headers, to the topic and partition the request asked for if it may (ReplyRouting); a dead letter
 * carries the original bytes and says why and where they came from, in the service's headers and
 * in Spring's (SpringDeadLetterHeaders).
 */
public final class KafkaEnvelope {

    public static final String REQUEST_ID_HEADER = "requestId";
    public static final String ERROR_CODE_HEADER = "wxacode-error-code";
    public static final String ERROR_MESSAGE_HEADER = "wxacode-error-message";
    public static final String ORIGINAL_TOPIC_HEADER = "wxacode-original-topic";
    public static final String ORIGINAL_PARTITION_HEADER = "wxacode-original-partition";
    public static final String ORIGINAL_OFFSET_HEADER = "wxacode-original-offset";

    /** Correlation ids are UUIDs or similar; this leaves room for any scheme while keeping headers small. */
    public static final int CORRELATION_MAX_BYTES = 256;
    /** The error message header of a dead letter: it may quote a WeChat errmsg or a summary of violations. */
    static final int ERROR_MESSAGE_MAX = 1024;

    private final List<String> correlationHeaders;
    private final ReplyRouting replyRouting;
    private final String group;

    /** @param group the consumer group, which a dead letter names as Spring's do */
    public KafkaEnvelope(List<String> correlationHeaders, ReplyRouting replyRouting, String group) {
        this.correlationHeaders = List.copyOf(correlationHeaders);
        this.replyRouting = replyRouting;
        this.group = group;
    }

    /**
     * What the reply and a dead letter need, kept before the pipeline reuses the message, with the
     * headers that go back out checked: a requestId header is held to the body's rule, and a
     * correlation header, copied back byte for byte, to {@value #CORRELATION_MAX_BYTES} bytes, and
     * kafka_replyTopic / kafka_replyPartition to ReplyRouting's rules. A header that breaks its rule
     * is not used (the reply gets a fresh id, the header is not copied, the reply goes to the
     * configured topic) and is listed in the violations, with which the record is refused
     * alongside the body's own (RequestIntake), naming it "name (header)".
     */
    public ReceivedRecord receive(@Headers Map<String, Object> headers, @Body byte[] value) {
        List<Violation> violations = new ArrayList<>();
        Map<String, Object> correlation = new LinkedHashMap<>();
        for (String name : correlationHeaders) {
            Object header = headers.get(name);
            if (header == null) {
                continue;
            }
            int size = bytes(header).length;
            if (size > CORRELATION_MAX_BYTES) {
                violations.add(new Violation(headerField(name), "must be at most " + CORRELATION_MAX_BYTES
                        + " bytes: it is copied unchanged to the reply (was " + size + " bytes)"));
            } else {
                correlation.put(name, header);
            }
        }
        String requestId = null;
        Object requestIdHeader = headers.get(REQUEST_ID_HEADER);
        if (requestIdHeader != null) {
            String id = new String(bytes(requestIdHeader), StandardCharsets.UTF_8);
            if (RequestRules.isRequestId(id)) {
                // the body's requestId, if any, still wins (RequestIntake)
                requestId = id;
            } else {
                violations.add(new Violation(headerField(REQUEST_ID_HEADER), RequestRules.REQUEST_ID_RULE));
            }
        }
        // last: it may ask the broker
        ReplyAddress replyTo = replyRouting.route(headers.get(ReplyRouting.REPLY_TOPIC_HEADER),
                headers.get(ReplyRouting.REPLY_PARTITION_HEADER), violations);
        ReceivedRecord.Origin origin = new ReceivedRecord.Origin((String) headers.get(KafkaConstants.TOPIC),
                (Integer) headers.get(KafkaConstants.PARTITION), (Long) headers.get(KafkaConstants.OFFSET),
                (Long) headers.get(KafkaConstants.TIMESTAMP));
        return new ReceivedRecord(headers.get(KafkaConstants.KEY), value, origin, (KafkaManualCommit) headers.get(KafkaConstants.MANUAL_COMMIT),
                correlation, requestId, replyTo, violations.isEmpty() ? null : List.copyOf(violations));
    }

    /** How a violation names a header, so that the caller does not look for it in the body. */
    static String headerField(String name) {
        return name + " (header)";
    }

    /** The reply in the body goes out under the request's key, with the request id and correlation headers. */
    public void addressReply(@ExchangeProperty(FlowProperties.KAFKA_RECORD) ReceivedRecord record, Exchange exchange) {
        Message message = exchange.getMessage();
        MessageHeaders.clear(message);
        address(record, exchange, message);
    }

    /** The topic of the reply (the request's kafka_replyTopic if allowed, else kafka.reply-topic). */
    public String replyTopic(@ExchangeProperty(FlowProperties.KAFKA_RECORD) ReceivedRecord record) {
        return replyTo(record).topic();
    }

    /** The partition of the reply if the request named one (kafka_replyPartition), else null: the key decides. */
    public Integer replyPartition(@ExchangeProperty(FlowProperties.KAFKA_RECORD) ReceivedRecord record) {
        return replyTo(record).partition();
    }

    private ReplyAddress replyTo(ReceivedRecord record) {
        // absent when the record failed before it was received (a bug): the configured topic still gets the reply
        return record == null ? replyRouting.configured() : record.replyTo();
    }

    /** Replaces the body with the request's original bytes, and says why they could not be processed. */
    public void deadLetter(@ExchangeProperty(FlowProperties.KAFKA_RECORD) ReceivedRecord record, Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // no record: the failure came before receive-record (a bug); the letter says so and keeps the body it has
        ReceivedRecord.Origin origin = record != null ? record.origin() : new ReceivedRecord.Origin(null, null, null, null);
        Message message = exchange.getMessage();
        MessageHeaders.clear(message);
        address(record, exchange, message);
        if (record != null) {
            message.setBody(record.value());
        }
        message.setHeader(ERROR_CODE_HEADER, cause instanceof WxacodeException known ? known.code() : "internal_error");
        String errorMessage = cause instanceof WxacodeException ? Untrusted.printable(cause.getMessage(), ERROR_MESSAGE_MAX)
                : "internal error (" + (cause == null ? "unknown" : cause.getClass().getName()) + "); the service log has the details";
        message.setHeader(ERROR_MESSAGE_HEADER, errorMessage);
        message.setHeader(ORIGINAL_TOPIC_HEADER, origin.topic());
        message.setHeader(ORIGINAL_PARTITION_HEADER, String.valueOf(origin.partition()));
        message.setHeader(ORIGINAL_OFFSET_HEADER, String.valueOf(origin.offset()));
        SpringDeadLetterHeaders.add(message, origin.topic(), origin.partition(), origin.offset(), origin.timestamp(), group,
                cause, errorMessage);
    }

    /** Marks the record finished: called only once its reply or dead letter is acknowledged by the broker. */
    public void commit(@ExchangeProperty(FlowProperties.KAFKA_RECORD) ReceivedRecord record) {
        if (record != null && record.commit() != null) {
            record.commit().commit();
        }
    }

    private void address(ReceivedRecord record, Exchange exchange, Message message) {
        if (record != null && record.key() != null) {
            message.setHeader(KafkaConstants.KEY, record.key());
        }
        message.setHeader(REQUEST_ID_HEADER, Replies.requestIdOf(exchange));
        if (record != null) {
            record.correlation().forEach(message::setHeader);
        }
    }

    static byte[] bytes(Object header) {
        return header instanceof byte[] bytes ? bytes : header.toString().getBytes(StandardCharsets.UTF_8);
    }
}
