package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.bench.Benchmark;
import dev.wxacode.local.Await;
import dev.wxacode.local.ForkedApp;
import dev.wxacode.local.LocalKafka;
import dev.wxacode.local.LocalS3;
import dev.wxacode.local.LocalStack;
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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The artifact as it is deployed: {@code java -jar target/wxacode-route.jar} from the project root,
 * so the routes come from routes/ on disk, configured by nothing but environment variables, against
 * the simulator, S3Proxy and a Kafka broker in this JVM. Runs under failsafe, after package.
 */
class PackagedJarIT {

    private static final Path JAR = Path.of("target", "wxacode-route.jar");
    private static final Path APP_LOG = Path.of("target", "test-logs", "packaged-jar-app.log");
    private static final String API_KEY = "it-api-key-3d9a51c07e";
    private static final String SHOP_ID = "wx0000000000itshop";
    private static final String SHOP_SECRET = "it-shop-secret-8e21f04b";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How long a request stays in flight after the SIGTERM: Camel logs that it waits once a second. */
    private static final Duration DRAINING = Duration.ofSeconds(3);
    /** 128 + SIGTERM: the JVM ended because of the signal, after its shutdown hooks, not by SIGKILL (137). */
    private static final int EXIT_ON_SIGTERM = 143;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void theJarServesHttpAndKafkaAndStopsOnSigterm() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by package, which runs before failsafe");
        assertTrue(Files.isDirectory(Path.of("routes")), "run from the project root, where routes/ is");
        LocalKafka kafka = SharedKafka.broker();
        try (LocalStack services = LocalStack.startServices("127.0.0.1", 0, 0, 0, null, kafka);
             S3Client s3 = services.s3().client()) {
            services.simulator().addApp(SHOP_ID, SHOP_SECRET);
            int httpPort = LocalStack.freePort();
            int managementPort = LocalStack.freePort();
            Map<String, String> deployment = new HashMap<>(Benchmark.APP_ENVIRONMENT);
            deployment.putAll(services.deploymentEnvironment(httpPort, managementPort, API_KEY));
            // a second app, named only in the environment: no property of its own exists to override
            deployment.putAll(Map.of("WECHAT_APPS", "default,shop", "WECHAT_APP_SHOP_ID", SHOP_ID, "WECHAT_APP_SHOP_SECRET", SHOP_SECRET));
            List<String> jvmOptions = Arrays.asList(Benchmark.APP_JVM_OPTIONS.split(" "));
            String appUrl = "http://127.0.0.1:" + httpPort;
            int exit;
            try (ForkedApp app = ForkedApp.fromJar(JAR, jvmOptions, deployment, Map.of(), APP_LOG)) {
                app.awaitReady("http://127.0.0.1:" + managementPort, PATIENCE);

                JsonNode overHttp = postOverHttp(appUrl, "{\"requestId\":\"it-http-1\",\"scene\":\"it=http\"}");
                assertEquals("ok", overHttp.path("status").asText(), overHttp.toString());
                assertStored(s3, overHttp);

                JsonNode overKafka = requestOverKafka(kafka, "it-kafka-1", "{\"requestId\":\"it-kafka-1\",\"scene\":\"it=kafka\"}");
                assertEquals("ok", overKafka.path("status").asText(), overKafka.toString());
                assertStored(s3, overKafka);

                JsonNode forShop = requestOverKafka(kafka, "it-kafka-shop",
                        "{\"requestId\":\"it-kafka-shop\",\"app\":\"shop\",\"type\":\"limited\",\"path\":\"pages/index/index?from=it\"}");
                assertEquals("ok", forShop.path("status").asText(), forShop.toString());
                assertTrue(forShop.path("key").asText().startsWith("wxacode/shop/"), forShop.toString());
                assertEquals(1, forShop.path("numUsed").asInt(), forShop.toString());
                assertEquals(1, services.simulator().codeCalls(SHOP_ID), "made with the shop's own token");
                assertStored(s3, forShop);

                // SIGTERM while a request is in flight: the app answers it before it ends, and its log
                // keeps what Camel logged while it waited (log4j2 stops last: FlushLogsLast)
                services.simulator().holdCodeCallsAfter(0);
                CompletableFuture<HttpResponse<String>> inFlight = HTTP.sendAsync(
                        post(appUrl, "{\"requestId\":\"it-http-draining\",\"scene\":\"it=draining\"}"), HttpResponse.BodyHandlers.ofString());
                Await.until(() -> services.simulator().heldCalls() > 0, PATIENCE, "the request reached the simulator");
                app.terminate();
                Thread.sleep(DRAINING.toMillis());
                assertTrue(app.isAlive(), "the app waits for the request in flight");
                services.simulator().releaseHeldCalls();
                exit = app.stop();
                HttpResponse<String> drained = inFlight.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertEquals(200, drained.statusCode(), drained.body());
                assertStored(s3, JSON.readTree(drained.body()));
            }

            String log = Files.readString(APP_LOG, StandardCharsets.UTF_8);
            assertEquals(EXIT_ON_SIGTERM, exit, "the app's output is in " + APP_LOG);
            assertTrue(log.contains("Request it-http-1 over http for app default (unlimited): ok")
                            && log.contains("Request it-kafka-shop over kafka for app shop (limited): ok"),
                    "the requests are in the log searched below: " + APP_LOG);
            assertTrue(log.contains("Waiting as there are still ") && log.contains("inflight and pending exchanges to complete"),
                    "what Camel logged while it waited for the request in flight is in " + APP_LOG);
            assertTrue(log.contains("Request it-http-draining over http for app default (unlimited): ok"), APP_LOG.toString());
            assertTrue(SecretsSearch.LAST_LINE.matcher(log).find(), "Camel's very last line is in " + APP_LOG);
            Set<String> secrets = new HashSet<>(services.simulator().issuedTokens());
            assertFalse(secrets.isEmpty(), "the app fetched a token");
            secrets.addAll(List.of(LocalStack.APP_SECRET, SHOP_SECRET, LocalS3.SECRET_KEY, API_KEY));
            for (String secret : secrets) {
                assertFalse(log.contains(secret), "a secret or token given to the app appears in its output " + APP_LOG);
            }
        }
    }

    private static JsonNode postOverHttp(String appUrl, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(post(appUrl, json), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static HttpRequest post(String appUrl, String json) {
        return HttpRequest.newBuilder(URI.create(appUrl + "/api/wxacode"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** Publishes a request on the default request topic and waits for its reply, matched by key and correlation id. */
    private static JsonNode requestOverKafka(LocalKafka kafka, String key, String json) throws Exception {
        String correlationId = "c-" + key;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            ProducerRecord<byte[], byte[]> request = new ProducerRecord<>("wxacode.requests",
                    key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
            request.headers().add("correlationId", correlationId.getBytes(StandardCharsets.UTF_8));
            producer.send(request).get();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor("wxacode.replies").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> reply : consumer.poll(Duration.ofMillis(200))) {
                    if (reply.key() != null && key.equals(new String(reply.key(), StandardCharsets.UTF_8))) {
                        Header header = reply.headers().lastHeader("correlationId");
                        assertEquals(correlationId, header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                        return JSON.readTree(reply.value());
                    }
                }
            }
        }
        throw new AssertionError("no reply to " + key + " on wxacode.replies within " + PATIENCE);
    }

    /** The object the reply names is in the bucket, with the bytes the reply's digest describes. */
    private static void assertStored(S3Client s3, JsonNode reply) throws Exception {
        byte[] image = s3.getObjectAsBytes(b -> b.bucket(reply.path("bucket").asText()).key(reply.path("key").asText())).asByteArray();
        assertEquals(reply.path("size").asLong(), image.length, reply.toString());
        assertArrayEquals(HexFormat.of().parseHex(reply.path("sha256").asText()),
                MessageDigest.getInstance("SHA-256").digest(image), reply.toString());
    }
}
