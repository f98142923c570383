package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.bench.Benchmark;
import dev.wxacode.local.Await;
import dev.wxacode.local.ForkedApp;
import dev.wxacode.local.LocalKafka;
import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.Fault;
import dev.wxacode.simulator.WechatSimulator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Three instances of the packaged jar, as deployed, in one consumer group, share one app's quota:
 * 900 calls a minute for the deployment against a simulator that refuses the 676th call in any
 * 45 seconds (the same rate: WeChat's minute scaled down so that the window slides in the run, and
 * a rate that 3 cold JVMs, the simulator's drawing, S3 and the broker keep up with on 2 cores: at
 * 1200 a minute they fell behind it now and then, 1150 and 1168 in two runs of four, and the
 * shortfall was the machine's, not the pacer's). The pacer's 1 % headroom is 6.75 calls of the
 * window, which leaves about 450 ms of jitter. All requests
 * are published at once, so every instance is saturated; the rate is read from the simulator's
 * arrival times of the calls, in three stretches: 3 instances, 2 after
 * one was killed with SIGKILL and the group handed its share to the others, 3 again after it came
 * back. Then one instance meets a 45009 and the whole deployment pauses. Group session timeouts of
 * 6 s (the broker's minimum) for both groups, so the takeover comes within seconds.
 */
class QuotaSharingIT {

    private static final Path JAR = Path.of("target", "wxacode-route.jar");
    private static final int QUOTA_PER_MINUTE = 900;
    private static final Duration WINDOW = Duration.ofSeconds(45);
    // 140 s of work at the quota: every stretch is measured while all instances are saturated, even
    // when the third instance takes 40 s to start and rejoin
    private static final int REQUESTS = 2100;
    private static final int PARTITIONS = 48;
    private static final long PAUSE_MS = 3000;
    private static final String GROUP = "quota-it";
    private static final String REQUESTS_TOPIC = "quota-it.requests";
    private static final String REPLIES_TOPIC = "quota-it.replies";
    private static final String API_KEY = "quota-it-api-key-51c0e7";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Pattern SHARE = Pattern.compile("(?m)^wxacode_pace_share(?:\\{[^}]*})? (\\S+)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private record Instance(ForkedApp app, String managementUrl) {
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES) // about 3 minutes on 2 cores; above the suite's 5-minute default
    void threeInstancesShareTheQuotaAndTakeOverTheShareOfOneKilled() throws Exception {
        LocalKafka kafka = SharedKafka.broker();
        kafka.createTopics(Map.of(REQUESTS_TOPIC, PARTITIONS, REPLIES_TOPIC, 3, "quota-it.dlq", 1));
        try (LocalStack services = LocalStack.startServices("127.0.0.1", 0, 0, 0, null, kafka);
             S3Client s3 = services.s3().client()) {
            WechatSimulator sim = services.simulator();
            List<Instance> instances = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    instances.add(start(services, "quota-sharing-app-" + i));
                }
                for (Instance instance : instances) {
                    instance.app().awaitReady(instance.managementUrl(), PATIENCE);
                }
                awaitShares(instances, 1.0 / 3);
                sim.reset();
                sim.enforceQuota(QUOTA_PER_MINUTE * (int) WINDOW.toSeconds() / 60, WINDOW);
                publishRequests(kafka);

                awaitTrue(() -> sim.codeCalls() > 0, "a first call");
                long first = sim.codeCallTimes().get(0);
                sleepUntil(first + seconds(22));
                long kill = System.nanoTime();
                Instance killed = instances.remove(2);
                killed.app().kill();
                // from 5 s on: the JVMs compile their hot path over their first calls
                double threeRate = rate(sim, first + seconds(5), kill);

                awaitShares(instances, 1.0 / 2);
                long takeover = System.nanoTime();
                // the request group moves the dead one's partitions about now too, and its (eager) rebalance
                // holds every consumer for a moment: the two are measured from 6 s on, until the third comes
                // back at 20 s (a JVM starting takes most of a core for seconds: not while the two are measured)
                sleepUntil(takeover + seconds(20));
                long restart = System.nanoTime();
                double twoRate = rate(sim, takeover + seconds(6), restart);
                Instance back = start(services, "quota-sharing-app-3-back");
                List<Instance> two = List.copyOf(instances);
                instances.add(back);
                awaitTrue(() -> two.stream().anyMatch(i -> share(i) < 0.5), "the group letting the third instance in");
                back.app().awaitReady(back.managementUrl(), PATIENCE);
                awaitShares(instances, 1.0 / 3);
                long rebalanced = System.nanoTime();
                // the new JVM compiles its hot path over its first seconds, as at the start, and the request
                // group's (eager) rebalance settles; 20 s measured, as a call is 0.3 % of them
                sleepUntil(rebalanced + seconds(28));
                double threeAgainRate = rate(sim, rebalanced + seconds(8), System.nanoTime());

                // one instance meets a 45009: every instance pauses the app, not only that one
                int before = sim.codeCalls();
                sim.failNextCodeCalls(Fault.errcode(45009));
                awaitTrue(() -> sim.codeCalls() > before, "the call answered 45009");
                long refused = sim.codeCallTimes().get(before);
                sleepUntil(refused + TimeUnit.MILLISECONDS.toNanos(PAUSE_MS) + seconds(1));
                // the others hear of it within a poll or two; calls that had their slot already may still go out
                long duringPause = sim.codeCallTimes().stream()
                        .filter(t -> t > refused + seconds(1) && t < refused + TimeUnit.MILLISECONDS.toNanos(PAUSE_MS))
                        .count();
                long pauseStart = refused + seconds(1);

                Set<String> answered = awaitReplies(kafka);
                List<String> objects = s3.listObjectsV2Paginator(b -> b.bucket(LocalStack.BUCKET)).contents().stream()
                        .map(S3Object::key).filter(key -> !key.endsWith(".readiness")).toList();
                System.out.printf("quota sharing: %d/min for the deployment (simulator window %d calls in %d s): 3 instances %.1f/min,"
                                + " killed one, takeover after %.1f s, 2 instances %.1f/min, back 20 s after it and rebalanced %.1f s after its start,"
                                + " 3 instances %.1f/min; 45009 from the quota: %d; calls in the 2 s after a 45009 heard by all: %d;"
                                + " %d requests, %d answered, %d objects, %d code calls%n",
                        QUOTA_PER_MINUTE, QUOTA_PER_MINUTE * WINDOW.toSeconds() / 60, WINDOW.toSeconds(), threeRate,
                        (takeover - kill) / 1e9, twoRate, (rebalanced - restart) / 1e9, threeAgainRate,
                        sim.quotaRefusals(), duringPause, REQUESTS, answered.size(), objects.size(), sim.codeCalls());

                assertEquals(0, sim.quotaRefusals(), "no 45009 from the simulator's quota window");
                assertWithin2PercentBelow(threeRate, "3 instances");
                assertWithin2PercentBelow(twoRate, "2 instances after the third was killed");
                assertWithin2PercentBelow(threeAgainRate, "3 instances after the killed one came back");
                assertTrue(pauseStart > 0 && duringPause == 0, duringPause + " calls while the deployment should pause after a 45009");
                assertEquals(REQUESTS, answered.size(), "every request answered ok");
                assertEquals(REQUESTS, objects.size(), "exactly one object per distinct request");
                assertEquals(REQUESTS, new HashSet<>(objects).size());
            } finally {
                for (Instance instance : instances) {
                    instance.app().stop();
                }
            }
        }
    }

    private static Instance start(LocalStack services, String name) throws Exception {
        int httpPort = LocalStack.freePort();
        int managementPort = LocalStack.freePort();
        Map<String, String> deployment = new HashMap<>(Benchmark.APP_ENVIRONMENT);
        deployment.putAll(services.deploymentEnvironment(httpPort, managementPort, API_KEY));
        deployment.putAll(Map.ofEntries(
                Map.entry("KAFKA_GROUP", GROUP),
                Map.entry("KAFKA_REQUEST_TOPIC", REQUESTS_TOPIC),
                Map.entry("KAFKA_REPLY_TOPIC", REPLIES_TOPIC),
                Map.entry("KAFKA_DLQ_TOPIC", "quota-it.dlq"),
                // one consumer per request partition while 3 instances run, so each has a third of the load
                Map.entry("KAFKA_CONSUMERS", "16"),
                // the request group's rebalances (eager) wait for every consumer to finish what it polled: one record each
                Map.entry("KAFKA_MAX_POLL_RECORDS", "1"),
                Map.entry("KAFKA_SESSION_TIMEOUT_MS", "6000"),
                Map.entry("KAFKA_HEARTBEAT_INTERVAL_MS", "1000"),
                Map.entry("WECHAT_PACE_CALLS_PER_MINUTE", Integer.toString(QUOTA_PER_MINUTE)),
                Map.entry("WECHAT_PACE_QUOTA_PAUSE_MS", Long.toString(PAUSE_MS)),
                Map.entry("WECHAT_PACE_COORDINATION_SESSION_TIMEOUT_MS", "6000")));
        ForkedApp app = ForkedApp.fromJar(JAR, Arrays.asList(Benchmark.APP_JVM_OPTIONS.split(" ")), deployment, Map.of(),
                Path.of("target", "test-logs", name + ".log"));
        return new Instance(app, "http://127.0.0.1:" + managementPort);
    }

    private static void publishRequests(LocalKafka kafka) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < REQUESTS; i++) {
                String id = "q-" + i;
                producer.send(new ProducerRecord<>(REQUESTS_TOPIC, bytes(id), bytes("{\"requestId\":\"" + id + "\",\"scene\":\"q=" + i + "\",\"width\":280}")));
            }
            producer.flush();
        }
    }

    /** The request ids answered ok on the reply topic, once all are there (or the patience is over). */
    private static Set<String> awaitReplies(LocalKafka kafka) throws Exception {
        Set<String> ok = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(REPLIES_TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (ok.size() < REQUESTS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> reply : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode body = JSON.readTree(reply.value());
                    if ("ok".equals(body.path("status").asText())) {
                        ok.add(body.path("requestId").asText());
                    }
                }
            }
        }
        return ok;
    }

    /** Calls per minute that reached the simulator in [from, to). */
    private static double rate(WechatSimulator sim, long from, long to) {
        long calls = sim.codeCallTimes().stream().filter(t -> t >= from && t < to).count();
        return calls * 60e9 / (to - from);
    }

    private static void assertWithin2PercentBelow(double perMinute, String what) {
        assertTrue(perMinute <= QUOTA_PER_MINUTE && perMinute >= QUOTA_PER_MINUTE * 0.98,
                what + ": " + perMinute + " calls a minute, not within 2 % below " + QUOTA_PER_MINUTE);
    }

    private static void awaitShares(List<Instance> instances, double expected) throws Exception {
        awaitTrue(() -> instances.stream().allMatch(i -> Math.abs(share(i) - expected) < 0.001),
                "every instance's wxacode_pace_share at " + expected);
    }

    private static double share(Instance instance) {
        try {
            HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(instance.managementUrl() + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = SHARE.matcher(metrics.body());
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (java.io.IOException notAnswering) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }


    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long seconds(long s) {
        return TimeUnit.SECONDS.toNanos(s);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, PATIENCE, what);
    }
}
