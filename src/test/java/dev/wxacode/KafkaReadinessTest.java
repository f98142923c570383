package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.local.LocalKafka;
import dev.wxacode.local.LocalStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With Kafka on, ready means the request consumer reaches a broker: a broker outage makes the
 * instance not ready, naming Kafka, until the broker is back. A broker of its own, since the test
 * stops it.
 */
class KafkaReadinessTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** How long the waits below look, so that a slow answer is measured and reported, not cut off. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /**
     * "DOWN within a second of the broker going" (application.properties). camel-kafka's check is
     * DOWN once the consumer's network client has no ready connection (KafkaFetchRecords.isReady,
     * ConsumerNetworkClient.hasReadyNodes); the closed socket is seen at the consumer's next poll
     * (pollTimeoutMs 500 in the route). Measured: 83-138 ms after the broker's shutdown returned, on
     * a loaded 2-core machine. 3 s leaves room for a poll or a readiness answer delayed by a busy
     * machine, and still fails a check that waits for a session timeout (6 s and more) or never looks.
     */
    private static final Duration DOWN_WITHIN = Duration.ofSeconds(3);
    /**
     * "UP about a second after it is back". The consumer reconnects with Kafka's backoff, 50 ms
     * doubling up to reconnect.backoff.max.ms (1 s, the default), so it tries again at most about a
     * second after the broker listens, plus one poll (0.5 s) and this test's 0.1 s between asks:
     * about 1.6 s by design. Measured: 1227-1387 ms after the broker's start returned, on a loaded
     * 2-core machine. 5 s is three times the design figure; a reconnect backoff of several seconds,
     * or a consumer that has to be restarted, fails it.
     */
    private static final Duration UP_WITHIN = Duration.ofSeconds(5);
    /** Camel's check of the kafka-ingress route's consumer, which asks camel-kafka whether it reaches a broker. */
    private static final String KAFKA_CHECK = "consumer:kafka-ingress";

    private static LocalKafka broker;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafka.start("127.0.0.1", LocalStack.freePort(), LocalStack.freePort(), null);
        broker.createTopics(Map.of("wxacode.requests", 3, "wxacode.replies", 3, "wxacode.requests.dlq", 1));
        stack = LocalStack.startServices("127.0.0.1", 0, 0, 0, null, broker);
        PipelineTestSupport.testProperties().forEach(stack::with);
        stack.startApp();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
        broker.close();
    }

    @Test
    void aBrokerOutageMakesItNotReadyNamingKafkaUntilTheBrokerIsBack() throws Exception {
        HttpResponse<String> before = awaitReadiness(200);
        assertEquals("UP", PipelineTestSupport.healthCheck(before, KAFKA_CHECK).path("status").asText(), before.body());

        long stopping = System.nanoTime();
        broker.stopServing();
        long stopped = System.nanoTime();
        HttpResponse<String> during;
        long down;
        long starting;
        try {
            during = awaitReadiness(503);
            down = System.nanoTime();
        } finally {
            starting = System.nanoTime();
            broker.resumeServing();
        }
        long started = System.nanoTime();
        HttpResponse<String> after = awaitReadiness(200);
        long up = System.nanoTime();

        JsonNode kafka = PipelineTestSupport.healthCheck(during, KAFKA_CHECK);
        assertEquals("DOWN", kafka.path("status").asText(), during.body());
        assertTrue(kafka.path("message").asText().contains("KafkaConsumer is not ready"), kafka.toString());
        assertEquals("UP", PipelineTestSupport.healthCheck(during, "wechat-token").path("status").asText(), "only Kafka is down: " + during.body());
        assertEquals("UP", PipelineTestSupport.healthCheck(during, "s3-bucket").path("status").asText(), "only Kafka is down: " + during.body());
        assertEquals("UP", PipelineTestSupport.healthCheck(after, KAFKA_CHECK).path("status").asText(), after.body());
        System.out.printf("kafka readiness: DOWN %d ms after the broker had stopped (its shutdown took %d ms);"
                        + " UP %d ms after it had started again (its start took %d ms)%n",
                millis(stopped, down), millis(stopping, stopped), millis(started, up), millis(starting, started));
        assertTrue(millis(stopped, down) <= DOWN_WITHIN.toMillis(),
                "not ready " + millis(stopped, down) + " ms after the broker had stopped; at most " + DOWN_WITHIN.toMillis() + " ms");
        assertTrue(millis(started, up) <= UP_WITHIN.toMillis(),
                "ready again " + millis(started, up) + " ms after the broker had started; at most " + UP_WITHIN.toMillis() + " ms");
    }

    @Test
    void withKafkaOffABrokerOutageLeavesItReady() throws Exception {
        stack.stopApp();
        stack.with("kafka.enabled", "false");
        broker.stopServing();
        HttpResponse<String> ready;
        try {
            stack.startApp();
            ready = readiness();
        } finally {
            broker.resumeServing();
            stack.stopApp();
            stack.with("kafka.enabled", "true");
            stack.startApp();
        }

        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("UP", PipelineTestSupport.healthCheck(ready, KAFKA_CHECK).path("status").asText(), "a route that is not started is not checked");
    }

    /**
     * An instance that holds no part of the quota cannot call WeChat, so it takes no HTTP traffic:
     * the coordination topic here has one partition, which a member of the test's holds when the
     * app joins (sticky: it keeps it); once that member leaves, the app takes it and is ready.
     */
    @Test
    void withoutAPartOfTheQuotaItIsNotReadyUntilItGetsOne() throws Exception {
        String topic = "wxacode.pace.single";
        String group = "readiness-test.pace";
        broker.createTopics(Map.of(topic, 1));
        AtomicBoolean holding = new AtomicBoolean(true);
        CountDownLatch assigned = new CountDownLatch(1);
        Thread member = new Thread(() -> holdTheOnlyPartition(topic, group, holding, assigned), "quota-partition-holder");
        member.start();
        HttpResponse<String> without;
        try {
            assertTrue(assigned.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the test's member was assigned the partition");
            stack.stopApp();
            stack.with("wechat.pace.coordination.topic", topic).with("wechat.pace.coordination.group", group);
            stack.startAppWithoutWaiting();
            awaitGroupOfTwo(group);
            without = awaitReadiness(503);
        } finally {
            holding.set(false);
            member.join(PATIENCE.toMillis());
        }
        HttpResponse<String> with;
        try {
            with = awaitReadiness(200);
        } finally {
            stack.stopApp();
            stack.without("wechat.pace.coordination.topic").without("wechat.pace.coordination.group");
            stack.startApp();
        }

        JsonNode quota = PipelineTestSupport.healthCheck(without, "quota-share");
        assertEquals("DOWN", quota.path("status").asText(), without.body());
        assertTrue(quota.path("message").asText().contains("holds no part of the apps' quota (0 of 1"), quota.toString());
        assertEquals("UP", PipelineTestSupport.healthCheck(without, KAFKA_CHECK).path("status").asText(), "only the share is missing: " + without.body());
        assertEquals("UP", PipelineTestSupport.healthCheck(with, "quota-share").path("status").asText(), with.body());
    }

    /** Until the app has joined the group beside the test's member and the group has settled: its share is known then. */
    private static void awaitGroupOfTwo(String group) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (Admin admin = broker.admin()) {
            while (true) {
                ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (described.members().size() == 2 && described.state() == ConsumerGroupState.STABLE) {
                    return;
                }
                assertTrue(System.nanoTime() < deadline, "the app joined the coordination group: " + described);
                Thread.sleep(100);
            }
        }
    }

    /** A member of the app's coordination group, as another instance would be: polls until told to leave. */
    private static void holdTheOnlyPartition(String topic, String group, AtomicBoolean holding, CountDownLatch assigned) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (holding.get()) {
                consumer.poll(Duration.ofMillis(100));
                if (!consumer.assignment().isEmpty()) {
                    assigned.countDown();
                }
            }
        }
    }

    private static long millis(long from, long to) {
        return Duration.ofNanos(to - from).toMillis();
    }

    private static HttpResponse<String> awaitReadiness(int status) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        HttpResponse<String> last;
        do {
            last = readiness();
            if (last.statusCode() == status) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("readiness did not answer " + status + " within " + PATIENCE + ": " + last.body());
    }

    private static HttpResponse<String> readiness() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + "/observe/health/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
