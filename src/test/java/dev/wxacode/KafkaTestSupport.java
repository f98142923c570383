package dev.wxacode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.wxacode.local.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class's own request, reply and dead-letter topics on the shared broker, the app consuming
 * them, a producer to send requests and a reader that reads a topic from its beginning.
 */
public abstract class KafkaTestSupport extends PipelineTestSupport {

    protected static final Duration WAIT = Duration.ofSeconds(60);

    protected static String requests;
    protected static String replies;
    protected static String deadLetters;
    protected static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void topicsOfItsOwn() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        requests = "test.requests." + suffix;
        replies = "test.replies." + suffix;
        deadLetters = "test.dlq." + suffix;
        stack.kafka().createTopics(Map.of(requests, 3, replies, 3, deadLetters, 1));
        stack.stopApp();
        stack.with("kafka.request-topic", requests)
                .with("kafka.reply-topic", replies)
                .with("kafka.dlq-topic", deadLetters)
                .with("kafka.group", "test-" + suffix)
                .with("retry.delay-ms", "200")
                .with("kafka.session-timeout-ms", "6000")
                .with("kafka.heartbeat-interval-ms", "1000");
        stack.startApp();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    protected static RecordMetadata send(Integer partition, String key, String value, Map<String, String> headers)
            throws Exception {
        return send(partition, key, value.getBytes(StandardCharsets.UTF_8), headers);
    }

    protected static RecordMetadata send(Integer partition, String key, byte[] value, Map<String, String> headers)
            throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(requests, partition,
                key.getBytes(StandardCharsets.UTF_8), value);
        headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
        return producer.send(record).get();
    }

    protected static Predicate<ConsumerRecord<byte[], byte[]>> keyStartsWith(String prefix) {
        return r -> r.key() != null && text(r.key()).startsWith(prefix);
    }

    /** Matches every record of the family once each key from prefix0 .. prefix(n-1) has been seen. */
    protected static Predicate<List<ConsumerRecord<byte[], byte[]>>> allKeysPresent(String prefix, int n) {
        return list -> {
            Set<String> seen = list.stream().map(r -> text(r.key())).filter(k -> k.startsWith(prefix)).collect(Collectors.toSet());
            return seen.size() == n;
        };
    }

    /** Waits until {@code count} matching records are on the topic, then returns all matching ones. */
    protected static List<ConsumerRecord<byte[], byte[]>> await(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match,
                                                              int count) throws InterruptedException {
        awaitCount(topic, match, count);
        return records(topic, match);
    }

    protected static List<ConsumerRecord<byte[], byte[]>> awaitUntil(String topic,
                                                                     Predicate<List<ConsumerRecord<byte[], byte[]>>> done)
            throws InterruptedException {
        return awaitUntil(topic, done, WAIT);
    }

    protected static List<ConsumerRecord<byte[], byte[]>> awaitUntil(String topic,
                                                                     Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                                     Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<ConsumerRecord<byte[], byte[]>> all;
        do {
            all = records(topic, r -> r.key() != null);
            if (done.test(all)) {
                return all;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not all expected records on " + topic + " within " + wait + "; have " + all.size());
    }

    protected static void awaitCount(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int have;
        do {
            have = records(topic, match).size();
            if (have >= count) {
                return;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(count + " records expected on " + topic + " within " + WAIT + ", found " + have);
    }

    /** Everything currently on the topic that matches, read from the beginning. */
    protected static List<ConsumerRecord<byte[], byte[]>> records(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        out.add(r);
                    }
                }
            }
            return out;
        }
    }

    protected static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    protected static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    protected static long objectCount() {
        return s3.listObjectsV2Paginator(b -> b.bucket(LocalStack.BUCKET)).contents().stream().count();
    }
}
