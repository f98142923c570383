package dev.wxacode.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.wxacode.request.Violation;
import dev.wxacode.text.Untrusted;

/**
 * Picks the topic and partition of a reply from Spring's request-reply headers, which any producer
 * can set: kafka_replyTopic (UTF-8) and kafka_replyPartition (a big-endian 4-byte int), as
 * ReplyingKafkaTemplate sends them. A caller may only pick a topic the allow-list names, so that a
 * request cannot make the service write into someone else's topic; and only a topic and partition
 * the broker has, because a producer waits for a missing one until it times out, which the error
 * policy would take for an outage and retry for ever, holding up the request's partition.
 */
public final class ReplyRouting {

    public static final String REPLY_TOPIC_HEADER = "kafka_replyTopic";
    public static final String REPLY_PARTITION_HEADER = "kafka_replyPartition";

    /** Kafka's own limits on a topic name. */
    static final int TOPIC_MAX = 249;
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1," + TOPIC_MAX + "}");
    static final String TOPIC_NAME_RULE = "must be a Kafka topic name: 1 to " + TOPIC_MAX + " of a-z A-Z 0-9 . _ -";

    private final ReplyAddress configured;
    private final Pattern allowed;
    private final String allowedRule;
    private final PartitionCounts partitions;

    /**
     * @param allowed a regular expression the whole name of any other topic than the configured
     *                one must match; blank: none
     */
    public ReplyRouting(String configuredTopic, String allowed, PartitionCounts partitions) {
        this.configured = new ReplyAddress(configuredTopic, null);
        boolean onlyConfigured = allowed == null || allowed.isBlank();
        this.allowed = onlyConfigured ? null : compile(allowed.trim());
        this.allowedRule = onlyConfigured
                ? "may only name " + configuredTopic + ", the service's reply topic (kafka.reply-topics-allowed allows no other)"
                : "must be " + configuredTopic + " or match kafka.reply-topics-allowed (" + allowed.trim() + ")";
        this.partitions = partitions;
    }

    private static Pattern compile(String allowed) {
        try {
            return Pattern.compile(allowed);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("kafka.reply-topics-allowed must be a regular expression (" + e.getDescription()
                    + " at index " + e.getIndex() + " of " + allowed + ")", e);
        }
    }

    /** The configured reply topic, with no partition: where a reply goes unless the request asked otherwise. */
    public ReplyAddress configured() {
        return configured;
    }

    /**
     * Where the reply to a request with these header values goes. A value that breaks a rule adds a
     * violation, and the reply then goes to the configured topic: the caller's address is not used
     * in part.
     */
    public ReplyAddress route(Object topicHeader, Object partitionHeader, List<Violation> violations) {
        if (topicHeader == null && partitionHeader == null) {
            return configured;
        }
        int before = violations.size();
        String topic = topicHeader == null ? configured.topic() : topic(bytes(topicHeader), violations);
        Integer partition = partitionHeader == null ? null : partition(bytes(partitionHeader), violations);
        if (violations.size() > before) {
            return configured;
        }
        if (partition != null || !topic.equals(configured.topic())) {
            OptionalInt count = partitions.of(topic);
            if (count.isEmpty()) {
                violations.add(new Violation(headerField(REPLY_TOPIC_HEADER),
                        "must name a topic this service can see on the broker (was " + Untrusted.quoted(topic) + ")"));
                return configured;
            }
            if (partition != null && partition >= count.getAsInt()) {
                violations.add(new Violation(headerField(REPLY_PARTITION_HEADER), "must be a partition of " + topic
                        + ": 0 to " + (count.getAsInt() - 1) + " (was " + partition + ")"));
                return configured;
            }
        }
        return new ReplyAddress(topic, partition);
    }

    private String topic(byte[] value, List<Violation> violations) {
        // checked before decoding: a huge header is not turned into a huge string
        String topic = value.length > TOPIC_MAX ? null : new String(value, StandardCharsets.UTF_8);
        if (topic == null || !TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            String was = topic == null ? value.length + " bytes" : Untrusted.quoted(topic);
            violations.add(new Violation(headerField(REPLY_TOPIC_HEADER), TOPIC_NAME_RULE + " (was " + was + ")"));
            return null;
        }
        if (!topic.equals(configured.topic()) && (allowed == null || !allowed.matcher(topic).matches())) {
            violations.add(new Violation(headerField(REPLY_TOPIC_HEADER), allowedRule + " (was " + Untrusted.quoted(topic) + ")"));
            return null;
        }
        return topic;
    }

    private static Integer partition(byte[] value, List<Violation> violations) {
        if (value.length != Integer.BYTES) {
            violations.add(new Violation(headerField(REPLY_PARTITION_HEADER),
                    "must be a partition number as 4 bytes, a big-endian int (was " + value.length + " bytes)"));
            return null;
        }
        int partition = ByteBuffer.wrap(value).getInt();
        if (partition < 0) {
            violations.add(new Violation(headerField(REPLY_PARTITION_HEADER), "must not be negative (was " + partition + ")"));
            return null;
        }
        return partition;
    }

    static String headerField(String name) {
        return KafkaEnvelope.headerField(name);
    }

    private static byte[] bytes(Object header) {
        return KafkaEnvelope.bytes(header);
    }
}
