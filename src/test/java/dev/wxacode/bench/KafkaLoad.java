package dev.wxacode.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.management.OperatingSystemMXBean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends requests to the request topic, at once or at a steady rate, and times each reply by its
 * requestId header from the moment its request was sent.
 */
final class KafkaLoad {

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static LoadDriver.Measured drive(String brokers, String requestTopic, String replyTopic, int requests, String prefix)
            throws Exception {
        return drive(brokers, requestTopic, replyTopic, requests, prefix, 0);
    }

    /** @param perSecond the offered rate; 0 sends them all at once */
    static LoadDriver.Measured drive(String brokers, String requestTopic, String replyTopic, int requests, String prefix,
                                     double perSecond) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
        long[] latencies = new long[requests];
        try (KafkaConsumer<byte[], byte[]> replies = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                     ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.LINGER_MS_CONFIG, 1,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            List<TopicPartition> partitions = replies.partitionsFor(replyTopic).stream()
                    .map(p -> new TopicPartition(replyTopic, p.partition())).toList();
            replies.assign(partitions);
            replies.seekToEnd(partitions);
            partitions.forEach(replies::position);

            long cpuBefore = OS.getProcessCpuTime();
            long started = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                if (perSecond > 0) {
                    long due = started + (long) (i * 1e9 / perSecond);
                    while (System.nanoTime() < due) {
                        Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000), 0);
                    }
                }
                String id = prefix + i;
                sentAtMillis.put(id, System.currentTimeMillis());
                byte[] body = ("{\"requestId\":\"" + id + "\",\"scene\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
                sentAt.put(id, System.nanoTime());
                producer.send(new ProducerRecord<>(requestTopic, id.getBytes(StandardCharsets.UTF_8), body));
            }
            producer.flush();
            int received = 0;
            int failures = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (received < requests && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> reply : replies.poll(Duration.ofMillis(100))) {
                    Header header = reply.headers().lastHeader("requestId");
                    String id = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
                    Long sent = id == null ? null : sentAt.remove(id);
                    if (sent != null) {
                        // the reply's own timestamp (the app's producer, same clock), not when this loop got
                        // to it: while a steady rate is being sent, replies wait here unread
                        latencies[received++] = Math.max(0, reply.timestamp() - sentAtMillis.remove(id)) * 1_000_000L;
                        if (!new String(reply.value(), StandardCharsets.UTF_8).contains("\"status\":\"ok\"")) {
                            failures++;
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            failures += requests - received;
            return new LoadDriver.Measured(java.util.Arrays.copyOf(latencies, received), failures, seconds,
                    (OS.getProcessCpuTime() - cpuBefore) / 1e9);
        }
    }

    private KafkaLoad() {
    }
}
