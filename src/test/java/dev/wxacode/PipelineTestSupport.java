package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.CodeContent;
import dev.wxacode.simulator.WechatSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The whole service on real parts for a test class: WeChat simulator, S3Proxy and a Kafka broker
 * on loopback ports, and the app started from its real configuration with the properties a
 * deployment would set. Requests go over HTTP, objects are read back with the AWS SDK.
 */
public abstract class PipelineTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();
    /**
     * HTTP/1.1, as Prometheus, kubelet probes and most callers speak it. The JDK client's default
     * (HTTP/2) upgrades plain connections with h2c where a server offers it, as the management
     * port's stock Vert.x server does: the tests would run a path no real client takes.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    protected static LocalStack stack;
    protected static S3Client s3;

    /** What every test class runs with: quick retries and a short WeChat timeout, so failures are fast. */
    protected static Map<String, String> testProperties() {
        return Map.of(
                "retry.max-redeliveries", "2",
                "retry.delay-ms", "20",
                "wechat.response-timeout-ms", "1500",
                "wechat.connect-timeout-ms", "1000");
    }

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.startServices("127.0.0.1", 0, 0, 0, null, SharedKafka.broker());
        testProperties().forEach(stack::with);
        stack.startApp();
        s3 = stack.s3().client();
    }

    @AfterAll
    static void stopStack() throws Exception {
        s3.close();
        stack.close();
    }

    @BeforeEach
    void resetSimulator() {
        sim().reset();
    }

    protected static WechatSimulator sim() {
        return stack.simulator();
    }

    /**
     * One more mini program for the app to serve, as a deployment adds one: known to the simulator,
     * its id a property, its secret in an apps file (wechat.apps-file) under target/, where the
     * secrets search reads it. Takes effect at the next start; wechat.apps is the caller's to set.
     */
    protected static void addAppWithSecretInFile(String name, String appId, String secret) throws IOException {
        sim().addApp(appId, secret);
        Path secrets = Files.createTempFile(Path.of("target"), "apps-", ".properties");
        Files.writeString(secrets, "wechat.app." + name + ".secret = " + secret + "\n");
        stack.with("wechat.app." + name + ".id", appId).with("wechat.apps-file", secrets.toString());
    }

    /** Restarts the app with a property changed: a cold token cache, as after a deployment. */
    protected static void restartAppWith(String key, String value) throws Exception {
        stack.stopApp();
        stack.with(key, value);
        stack.startApp();
    }

    protected record Reply(int status, JsonNode body, String retryAfter) {
        String text(String field) {
            return body.path(field).asText(null);
        }

        JsonNode error() {
            return body.path("error");
        }
    }

    protected static Reply post(String json) throws IOException, InterruptedException {
        return post(json, "application/json", "Bearer " + LocalStack.TEST_API_KEY);
    }

    /** A request as any HTTP client sends it; a null header is left out. */
    protected static Reply post(String json, String contentType, String authorization) throws IOException, InterruptedException {
        HttpResponse<String> response = postWithHeaders(json, contentType, authorization);
        return new Reply(response.statusCode(), JSON.readTree(response.body()),
                response.headers().firstValue("Retry-After").orElse(null));
    }

    protected static ResponseBytes<GetObjectResponse> object(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(LocalStack.BUCKET).key(key));
    }

    /** The configuration error a failed start was about (Camel wraps it a few times). */
    protected static IllegalArgumentException illegalArgumentIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae) {
                return iae;
            }
        }
        return null;
    }

    /** As {@link #post}, with the whole response: its headers too. A null header is left out. */
    protected static HttpResponse<String> postWithHeaders(String json, String contentType, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/wxacode"))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET on the management port, where health and metrics are served. */
    protected static HttpResponse<String> management(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The readiness answer once it is 200, or the last one after {@code patience}: right after a
     * restart the Kafka consumer may still be joining its group on a loaded machine.
     */
    protected static HttpResponse<String> awaitReady(Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        HttpResponse<String> ready = management("/observe/health/ready");
        while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            ready = management("/observe/health/ready");
        }
        return ready;
    }

    /** Every sample of the /observe/metrics scrape, by its name and labels. */
    protected static Map<String, Double> metricSamples() throws IOException, InterruptedException {
        HttpResponse<String> response = management("/observe/metrics");
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    /** One named check of a /observe/health answer. */
    protected static JsonNode healthCheck(HttpResponse<String> health, String name) throws IOException {
        for (JsonNode check : JSON.readTree(health.body()).path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + health.body());
    }

    /** Scans an image the way a phone would. */
    protected static CodeContent decode(byte[] image) throws IOException, NotFoundException {
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(image));
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(picture)));
        return CodeContent.parse(new MultiFormatReader().decode(bitmap).getText());
    }
}
