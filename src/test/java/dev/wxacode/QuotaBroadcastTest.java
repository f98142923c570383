package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.Fault;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 45009 is the app's, not the instance's: one seen by another instance of the deployment (a
 * record on the events topic, as QuotaCoordination writes it) pauses this instance's calls for
 * that app, and one seen here is announced there. The other instance is this test, speaking
 * through the broker. The lower bound on the wait is strict by construction: the pause starts
 * when the app has read the record, which is after the test began to send it.
 */
class QuotaBroadcastTest extends PipelineTestSupport {

    private static final long PAUSE_MS = 4000;
    private static final String EVENTS = "broadcast-test.pace.events";
    private static final String ANOTHER_INSTANCE = "another-instance";

    @BeforeAll
    static void ownTopicsAndAPauseLongEnoughToSee() throws Exception {
        stack.with("wechat.pace.coordination.group", "broadcast-test.pace");
        stack.with("wechat.pace.coordination.events-topic", EVENTS);
        restartAppWith("wechat.pace.quota-pause-ms", Long.toString(PAUSE_MS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (metricSamples().getOrDefault("wxacode_pace_share", 0.0) < 1.0) {
            assertTrue(System.nanoTime() < deadline, "the lone instance was given the whole quota");
            Thread.sleep(50);
        }
        // the app's token, fetched before anything is timed
        assertEquals(200, post("{\"scene\":\"warm=1\"}").status());
    }

    @Test
    void a45009AtAnotherInstancePausesThisOne() throws Exception {
        sim().reset();
        long announced = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(EVENTS, bytes(LocalStack.APP_ID), bytes(ANOTHER_INSTANCE))).get();
        }
        // the app reads the events topic every few hundred ms
        Thread.sleep(1500);
        Reply reply = post("{\"scene\":\"after-announcement=1\"}");
        assertEquals(200, reply.status(), reply.body().toString());
        long call = sim().codeCallTimes().get(0);
        System.out.printf("quota broadcast: a 45009 announced by another instance; this one's next call %d ms later (pause %d ms)%n",
                TimeUnit.NANOSECONDS.toMillis(call - announced), PAUSE_MS);
        assertTrue(call - announced >= TimeUnit.MILLISECONDS.toNanos(PAUSE_MS),
                "the call went out " + TimeUnit.NANOSECONDS.toMillis(call - announced) + " ms after another instance's 45009");
    }

    @Test
    void a45009HereIsAnnouncedToTheOthers() throws Exception {
        sim().reset();
        sim().failNextCodeCalls(Fault.errcode(45009));
        Reply reply = post("{\"scene\":\"refused-once=1\"}");
        assertEquals(200, reply.status(), "retried after the pause: " + reply.body());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = List.of(new TopicPartition(EVENTS, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> event : consumer.poll(Duration.ofMillis(200))) {
                    if (LocalStack.APP_ID.equals(text(event.key())) && !ANOTHER_INSTANCE.equals(text(event.value()))) {
                        return;
                    }
                }
            }
        }
        throw new AssertionError("no 45009 for " + LocalStack.APP_ID + " announced on " + EVENTS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
