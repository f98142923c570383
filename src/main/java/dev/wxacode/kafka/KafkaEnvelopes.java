package dev.wxacode.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import org.apache.camel.CamelContext;

/** Builds the {@link KafkaEnvelope} the Kafka ingress calls, from the kafka.* settings. */
public final class KafkaEnvelopes {

    private KafkaEnvelopes() {
    }

    /**
     * @param correlationHeaders comma-separated: copied from a request to its reply
     * @param replyTopicsAllowed the topics a request may name for its reply, as a regular expression
     */
    public static KafkaEnvelope create(CamelContext camelContext, String correlationHeaders, String replyTopic,
                                       String replyTopicsAllowed, String group) throws Exception {
        BrokerPartitionCounts partitions = new BrokerPartitionCounts(() -> KafkaClientProperties.producer(camelContext),
                Duration.ofSeconds(60), Clock.systemUTC());
        // stopped with Camel, which closes its admin client
        camelContext.addService(partitions, true);
        return new KafkaEnvelope(Arrays.stream(correlationHeaders.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList(),
                new ReplyRouting(replyTopic.trim(), replyTopicsAllowed, partitions), group.trim());
    }
}
