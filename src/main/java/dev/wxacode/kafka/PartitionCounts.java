package dev.wxacode.kafka;

import java.util.OptionalInt;

/** How many partitions a topic has, as far as this service can see; empty when it sees no such topic. */
@FunctionalInterface
public interface PartitionCounts {

    /**
     * @throws org.apache.kafka.common.KafkaException when the broker could not be asked: an outage,
     *         retried by the error policy like any other
     */
    OptionalInt of(String topic);
}
