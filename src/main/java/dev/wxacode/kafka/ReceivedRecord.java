package dev.wxacode.kafka;

import java.util.List;
import java.util.Map;

import dev.wxacode.request.Violation;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * What the Kafka ingress keeps of a consumed record before the pipeline reuses the message: what
 * its reply and a dead letter need, and what its headers said.
 *
 * @param key         the record's key, which the reply and a dead letter go out under
 * @param value       the record's bytes as they came, for a dead letter
 * @param commit      marks the record finished in the in-flight window (null outside the window)
 * @param correlation the caller's correlation headers that passed their rule, copied to the reply
 * @param requestId   the requestId header, if it passed the body's rule; else null
 * @param replyTo     where the reply goes (ReplyRouting)
 * @param violations  the headers that broke their rule; null if none did
 */
public record ReceivedRecord(Object key, byte[] value, Origin origin, KafkaManualCommit commit, Map<String, Object> correlation,
                             String requestId, ReplyAddress replyTo, List<Violation> violations) {

    /** Where the record was read: a dead letter names it. */
    public record Origin(String topic, Integer partition, Long offset, Long timestamp) {
    }
}
