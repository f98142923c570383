package dev.wxacode.quota;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.camel.Service;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares each app's quota among the instances of a deployment through Kafka, without a datastore.
 *
 * <p>Every instance joins one consumer group on the coordination topic (many partitions, no
 * records): its share of the quota is the partitions the group assigned it, of all of them. The
 * group protocol never hands a partition to a member before its previous owner has given it up
 * (eager: everything revoked before the join; cooperative, used here: the moved ones revoked in a
 * first rebalance, assigned in a second), so the shares of the live members add up to at most 1.
 * A member that joins or leaves moves partitions at once; one that dies keeps its partitions,
 * unused, until the group misses its heartbeats for the session timeout.
 *
 * <p>A 45009 seen by one instance goes out on the events topic, which every instance reads whole
 * (all partitions assigned, no group, from its end), so the whole deployment pauses that app.
 *
 * <p>Plain Kafka clients in a bean, not camel-kafka routes: camel-kafka's consumer always
 * subscribes with a group (it offers no rebalance listener of the application's and cannot
 * assign), and these clients carry no requests: they must read nothing, only hold partitions.
 */
public final class QuotaCoordination implements QuotaAlarm, Service {

    private static final Logger LOG = LoggerFactory.getLogger(QuotaCoordination.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private final Supplier<Properties> consumerProperties;
    private final Supplier<Properties> producerProperties;
    private final String group;
    private final String coordinationTopic;
    private final int partitions;
    private final String eventsTopic;
    private final Duration sessionTimeout;
    private final QuotaShare share;
    private final Consumer<String> heard;
    /** Tells this instance's own events from the others': it paused itself already. */
    private final String instanceId = UUID.randomUUID().toString();
    private final Set<TopicPartition> owned = new HashSet<>();

    private volatile KafkaConsumer<byte[], byte[]> member;
    private volatile KafkaConsumer<byte[], byte[]> listener;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile Thread loop;
    private volatile boolean running;
    private volatile boolean connected;

    /**
     * @param consumerProperties brokers and security, as camel-kafka's own consumers have them
     * @param producerProperties the same for a producer (and the admin client, as BrokerPartitionCounts)
     * @param heard            called with the app id of every 45009 another instance announced
     */
    public QuotaCoordination(Supplier<Properties> consumerProperties, Supplier<Properties> producerProperties, String group, String coordinationTopic, int partitions,
                             String eventsTopic, Duration sessionTimeout, QuotaShare share, Consumer<String> heard) {
        this.consumerProperties = consumerProperties;
        this.producerProperties = producerProperties;
        this.group = group;
        this.coordinationTopic = coordinationTopic;
        this.partitions = partitions;
        this.eventsTopic = eventsTopic;
        this.sessionTimeout = sessionTimeout;
        this.share = share;
        this.heard = heard;
    }

    /** Connects in a thread of its own: a broker that is not there yet must not stop the service from starting. */
    @Override
    public void start() {
        running = true;
        loop = new Thread(this::run, "wxacode-quota-coordination");
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread thread = loop;
        if (thread != null) {
            KafkaConsumer<byte[], byte[]> m = member;
            KafkaConsumer<byte[], byte[]> l = listener;
            if (m != null) {
                m.wakeup();
            }
            if (l != null) {
                l.wakeup();
            }
            if (!connected) {
                // a connect() waiting on the admin client for a broker that is gone gives up now, not in 30 s
                thread.interrupt();
            }
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop = null;
        }
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }

    /** Sent without waiting: the request that met the 45009 does not wait for the broker. */
    @Override
    public void quotaExceeded(String appId) {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            LOG.warn("Could not tell the other instances about a 45009: not connected to Kafka yet");
            return;
        }
        p.send(new ProducerRecord<>(eventsTopic, bytes(appId), bytes(instanceId)), (metadata, failure) -> {
            if (failure != null) {
                LOG.warn("Could not tell the other instances about a 45009 on {}: {}", eventsTopic, failure.toString());
            }
        });
    }

    private void run() {
        try {
            while (running && !connect()) {
                Thread.sleep(RETRY.toMillis());
            }
            while (running) {
                try {
                    // no records arrive on the coordination topic: polling keeps the membership and runs the rebalances
                    member.poll(POLL);
                    for (ConsumerRecord<byte[], byte[]> event : listener.poll(POLL)) {
                        if (event.key() != null && event.value() != null && !instanceId.equals(text(event.value()))) {
                            heard.accept(text(event.key()));
                        }
                    }
                } catch (WakeupException stopping) {
                    break;
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    LOG.warn("Quota coordination: {} (trying again in {} ms)", e.toString(), RETRY.toMillis());
                    Thread.sleep(RETRY.toMillis());
                }
            }
        } catch (InterruptedException | WakeupException stopping) {
            // stop() asked
        } finally {
            // stop() may have interrupted a connect(): the clients close, and leave the group, all the same
            Thread.interrupted();
            // leaves the group at once, so the others take this instance's share without waiting for the session timeout
            if (member != null) {
                member.close(Duration.ofSeconds(5));
            }
            if (listener != null) {
                listener.close(Duration.ofSeconds(5));
            }
        }
    }

    /** Creates what is missing and joins; false (after a log line) if the broker could not be reached. */
    private boolean connect() {
        try {
            Properties forProducer = producerProperties.get();
            Properties base = consumerProperties.get();
            createMissingTopics(forProducer);
            if (producer == null) {
                producer = new KafkaProducer<>(forProducer, new ByteArraySerializer(), new ByteArraySerializer());
            }
            if (listener == null) {
                listener = new KafkaConsumer<>(listenerProperties(base), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            List<TopicPartition> events = listener.partitionsFor(eventsTopic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (events.isEmpty()) {
                // a topic created a moment ago may not be in the metadata yet
                LOG.info("Quota coordination: {} has no partitions yet (trying again in {} ms)", eventsTopic, RETRY.toMillis());
                return false;
            }
            listener.assign(events);
            // only what is announced from now on: an old 45009 says nothing about the quota now
            listener.seekToEnd(events);
            member = new KafkaConsumer<>(memberProperties(base), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            member.subscribe(List.of(coordinationTopic), new Rebalance());
            LOG.info("Quota coordination: joining group {} on {}; 45009s announced on {}", group, coordinationTopic, eventsTopic);
            connected = true;
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            if (running) {
                LOG.warn("Quota coordination cannot start yet: {} (trying again in {} ms)", e.toString(), RETRY.toMillis());
            }
            return false;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            owned.removeAll(revoked);
            changed();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            owned.addAll(assigned);
            changed();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            owned.removeAll(lost);
            changed();
        }

        private void changed() {
            int total = member.partitionsFor(coordinationTopic).size();
            int before = share.owned();
            share.set(owned.size(), total);
            if (before != owned.size()) {
                LOG.info("Quota share: {} of {} partitions of {} ({} % of each app's calls per minute)",
                        owned.size(), total, coordinationTopic, String.format("%.1f", 100.0 * owned.size() / total));
            }
        }
    }

    private static Properties copy(Properties base) {
        Properties p = new Properties();
        p.putAll(base);
        return p;
    }

    private Properties memberProperties(Properties base) {
        Properties p = copy(base);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + instanceId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // a member keeps its partitions through a rebalance unless they move: no instance pauses when another joins
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(sessionTimeout.toMillis()));
        // a third of the session, as Kafka advises, less for a margin: a dead member is what the timeout should catch, not a late heartbeat
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(sessionTimeout.toMillis() / 5));
        // every poll is this loop's next turn: the rebalance must never wait for a slow "processing" that does not exist
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(Math.max(sessionTimeout.toMillis(), 30_000)));
        return p;
    }

    private Properties listenerProperties(Properties base) {
        Properties p = copy(base);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-events-" + instanceId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return p;
    }

    /** Created as the deployment needs them, so that scaling out needs no step before the first start. */
    private void createMissingTopics(Properties base) {
        Admin admin = Admin.create(copy(base));
        try {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = Map.of(coordinationTopic, partitions, eventsTopic, 1).entrySet().stream()
                    .filter(t -> !existing.contains(t.getKey()))
                    .map(t -> new NewTopic(t.getKey(), java.util.Optional.of(t.getValue()), java.util.Optional.empty()))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("Created {}", missing.stream().map(t -> t.name() + " (" + t.numPartitions() + " partitions)").toList());
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the quota coordination topics " + coordinationTopic + " and "
                        + eventsTopic + " (create them, or give the service the right to): " + e.getCause(), e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not list its topics within " + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the quota coordination topics", e);
        } finally {
            // bounded: Admin.close() waits for the calls pending on a broker that may be gone
            admin.close(Duration.ofSeconds(5));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
