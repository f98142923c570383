package dev.wxacode.kafka;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The brokers and security settings of camel-kafka's own clients, for the clients the service makes
 * itself (admin, quota coordination): read when called, once the component is configured.
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {
    }

    public static Properties producer(CamelContext camelContext) {
        return withBrokers(camelContext, true);
    }

    public static Properties consumer(CamelContext camelContext) {
        return withBrokers(camelContext, false);
    }

    private static Properties withBrokers(CamelContext camelContext, boolean producer) {
        KafkaConfiguration kafka = camelContext.getComponent("kafka", KafkaComponent.class).getConfiguration();
        Properties properties = producer ? kafka.createProducerProperties() : kafka.createConsumerProperties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
        return properties;
    }
}
