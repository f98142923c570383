package dev.wxacode.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.camel.Service;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Asks the broker how many partitions a reply topic has, and remembers the answer for a while: a
 * caller that names its own reply topic usually does so on every request.
 */
public final class BrokerPartitionCounts implements PartitionCounts, Service {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    /** The allow-list may be wide; answers about topics that callers made up must not pile up. */
    private static final int MAX_ENTRIES = 1000;

    private record Known(OptionalInt count, long until) {
    }

    private final Supplier<Properties> clientProperties;
    private final Duration lifetime;
    private final Clock clock;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private Admin admin;

    /** @param clientProperties the Kafka client settings (brokers, security), read when the broker is first asked */
    public BrokerPartitionCounts(Supplier<Properties> clientProperties, Duration lifetime, Clock clock) {
        this.clientProperties = clientProperties;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    @Override
    public OptionalInt of(String topic) {
        long now = clock.millis();
        Known answer = known.get(topic);
        if (answer != null && answer.until() > now) {
            return answer.count();
        }
        OptionalInt count = ask(topic);
        if (known.size() >= MAX_ENTRIES) {
            known.clear();
        }
        known.put(topic, new Known(count, now + lifetime.toMillis()));
        return count;
    }

    private OptionalInt ask(String topic) {
        try {
            TopicDescription description = admin().describeTopics(List.of(topic)).allTopicNames()
                    .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return OptionalInt.of(description.partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException || e.getCause() instanceof InvalidTopicException
                    || e.getCause() instanceof TopicAuthorizationException) {
                return OptionalInt.empty();
            }
            throw new KafkaException("could not ask the broker about reply topic " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("the broker did not say within " + ASK_TIMEOUT + " whether reply topic " + topic + " exists", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while asking the broker about reply topic " + topic, e);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties all = clientProperties.get();
            Properties properties = new Properties();
            // only what an admin client knows: the producer's other settings would be logged as unknown
            all.forEach((name, value) -> {
                if (AdminClientConfig.configNames().contains(String.valueOf(name))) {
                    properties.put(name, value);
                }
            });
            properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "wxacode-reply-topics");
            admin = Admin.create(properties);
        }
        return admin;
    }

    @Override
    public void start() {
        // the admin client is made when first needed: most deployments never name a reply topic
    }

    @Override
    public synchronized void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
