package dev.wxacode.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.AdminClientConfig;

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
        // the same brokers and security settings as camel-kafka's own clients, read once the component is configured
        BrokerPartitionCounts partitions = new BrokerPartitionCounts(() -> {
            KafkaConfiguration kafka = camelContext.getComponent("kafka", KafkaComponent.class).getConfiguration();
            Properties properties = kafka.createProducerProperties();
            properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
            return properties;
        }, Duration.ofSeconds(60), Clock.systemUTC());
        // stopped with Camel, which closes its admin client
        camelContext.addService(partitions, true);
        return new KafkaEnvelope(Arrays.stream(correlationHeaders.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList(),
                new ReplyRouting(replyTopic.trim(), replyTopicsAllowed, partitions), group.trim());
    }
}
