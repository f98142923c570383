package dev.wxacode.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.wxacode.core.WxacodeException;
import org.apache.camel.Message;

/**
 * The headers Spring Kafka's DeadLetterPublishingRecoverer puts on a dead letter, under its names
 * and in its encodings (texts UTF-8, partition a big-endian int, offset and timestamp big-endian
 * longs), so that a dead-letter consumer built on Spring reads ours as its own. Set as bytes, not
 * as Integer or Long, so that they do not depend on how camel-kafka serializes header values.
 *
 * <p>Left out: the stack trace (it would publish the service's internals), the timestamp type
 * (camel-kafka does not pass it on, and a guess would be wrong for LogAppendTime topics) and the
 * cause's class.
 */
public final class SpringDeadLetterHeaders {

    public static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    public static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    public static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    public static final String ORIGINAL_TIMESTAMP = "kafka_dlt-original-timestamp";
    public static final String ORIGINAL_CONSUMER_GROUP = "kafka_dlt-original-consumer-group";
    public static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";
    public static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";

    /**
     * What the fqcn header says: Spring writes the exception's class, but ours would show the
     * service's packages and change with them. The error code header says which failure it was.
     */
    public static final String KNOWN_FAILURE = WxacodeException.class.getName();
    public static final String INTERNAL_FAILURE = RuntimeException.class.getName();

    private SpringDeadLetterHeaders() {
    }

    /** Null values are left out, as Spring leaves out what it does not know. */
    static void add(Message message, String topic, Integer partition, Long offset, Long timestamp, String group,
                    Throwable cause, String errorMessage) {
        if (topic != null) {
            message.setHeader(ORIGINAL_TOPIC, utf8(topic));
        }
        if (partition != null) {
            message.setHeader(ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(partition).array());
        }
        if (offset != null) {
            message.setHeader(ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
        }
        if (timestamp != null) {
            message.setHeader(ORIGINAL_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
        }
        if (group != null) {
            message.setHeader(ORIGINAL_CONSUMER_GROUP, utf8(group));
        }
        message.setHeader(EXCEPTION_FQCN, utf8(cause instanceof WxacodeException ? KNOWN_FAILURE : INTERNAL_FAILURE));
        message.setHeader(EXCEPTION_MESSAGE, utf8(errorMessage));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
