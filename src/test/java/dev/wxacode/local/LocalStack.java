package dev.wxacode.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.wxacode.Application;
import dev.wxacode.simulator.WechatSimulator;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.main.Main;

/**
 * The service with everything it talks to, in one JVM: the WeChat simulator, S3Proxy, a Kafka
 * broker (started by the caller, so tests can share one) and the app itself, wired by the same
 * properties a deployment would set. Local mode runs one; tests too.
 */
public final class LocalStack implements AutoCloseable {

    /** A member killed without leaving holds its part until the group's session timeout (10 s) has passed. */
    private static final Duration SHARE_PATIENCE = Duration.ofSeconds(45);

    public static final String APP_ID = "wx0000000000local";
    public static final String APP_SECRET = "local-app-secret-5f2c9a7e41d8";
    public static final String BUCKET = "wxacode";
    /** The API key tests send; local mode makes up its own. */
    public static final String TEST_API_KEY = "test-api-key-9f8e7d6c5b4a";

    private final WechatSimulator simulator;
    private final LocalS3 s3;
    private final LocalKafka kafka;
    private final Map<String, String> appProperties;
    private final Map<String, Object> appBeans = new LinkedHashMap<>();
    private final int httpPort;
    private Main app;

    private LocalStack(WechatSimulator simulator, LocalS3 s3, LocalKafka kafka, Map<String, String> appProperties,
                       int httpPort) {
        this.simulator = simulator;
        this.s3 = s3;
        this.kafka = kafka;
        this.appProperties = appProperties;
        this.httpPort = httpPort;
    }

    /**
     * Starts the simulator and S3 (ports of 0 pick free ones); the app is started separately, so
     * tests can set its properties first.
     *
     * @param s3Folder where S3 keeps objects, or null for memory
     */
    public static LocalStack startServices(String host, int httpPort, int s3Port, int simulatorPort, Path s3Folder,
                                           LocalKafka kafka) throws Exception {
        WechatSimulator simulator = WechatSimulator.withDefaults(APP_ID, APP_SECRET).start(host, orFree(simulatorPort));
        LocalS3 s3 = LocalS3.start(host, orFree(s3Port), s3Folder, BUCKET);
        int port = orFree(httpPort);
        int managementPort = httpPort == 0 ? freePort() : httpPort + 1;
        Map<String, String> props = new LinkedHashMap<>();
        props.put("http.host", host);
        props.put("http.port", Integer.toString(port));
        props.put("management.host", host);
        props.put("management.port", Integer.toString(managementPort));
        props.put("wechat.base-url", simulator.baseUrl());
        props.put("wechat.app.id", APP_ID);
        props.put("wechat.app.secret", APP_SECRET);
        props.put("s3.endpoint", s3.endpoint().toString());
        props.put("s3.region", LocalS3.REGION);
        props.put("s3.access-key", LocalS3.ACCESS_KEY);
        props.put("s3.secret-key", LocalS3.SECRET_KEY);
        props.put("s3.force-path-style", "true");
        // S3Proxy answers x-amz-tagging with 501 NotImplemented
        props.put("s3.object-tags", "false");
        props.put("s3.bucket", BUCKET);
        props.put("kafka.brokers", kafka.bootstrapServers());
        props.put("http.auth.mode", "api-key");
        props.put("http.auth.api-key", TEST_API_KEY);
        return new LocalStack(simulator, s3, kafka, props, port);
    }

    /** Sets (or replaces) an app property before {@link #startApp()}. */
    public LocalStack with(String key, String value) {
        appProperties.put(key, value);
        return this;
    }

    /** Drops a property set by {@link #with}: the app's own default applies from the next start. */
    public LocalStack without(String key) {
        appProperties.remove(key);
        return this;
    }

    /**
     * Binds a bean into the app's registry at each {@link #startApp()}, as an application embedding
     * it would (an OpenTelemetry SDK, say); null unbinds it.
     */
    public LocalStack bind(String name, Object bean) {
        if (bean == null) {
            appBeans.remove(name);
        } else {
            appBeans.put(name, bean);
        }
        return this;
    }

    /**
     * Starts the app and waits until it holds a part of the quota, as an orchestrator waits for
     * readiness before it sends traffic: with Kafka the coordination group assigns it one a moment
     * after the start (the other readiness checks are the tests' to look at, not waited for here).
     */
    public LocalStack startApp() throws Exception {
        startAppWithoutWaiting();
        HealthCheck quota = app.getCamelContext().getRegistry().lookupByNameAndType("quotaReadiness", HealthCheck.class);
        long deadline = System.nanoTime() + SHARE_PATIENCE.toNanos();
        HealthCheck.Result result;
        while ((result = quota.call()).getState() != HealthCheck.State.UP) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the app held no part of the quota " + SHARE_PATIENCE.toSeconds() + " s after its start: "
                        + result.getMessage().orElse(""));
            }
            Thread.sleep(20);
        }
        return this;
    }

    /** Starts the app and returns at once: for a test of what it does before it holds a part of the quota. */
    public LocalStack startAppWithoutWaiting() throws Exception {
        app = Application.create();
        appBeans.forEach(app::bind);
        appProperties.forEach(app::addOverrideProperty);
        app.start();
        return this;
    }

    public void stopApp() throws Exception {
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    public WechatSimulator simulator() {
        return simulator;
    }

    public LocalS3 s3() {
        return s3;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public String appUrl() {
        return "http://" + appProperties.get("http.host") + ":" + httpPort;
    }

    public String managementUrl() {
        return "http://" + appProperties.get("management.host") + ":" + appProperties.get("management.port");
    }

    public Map<String, String> appProperties() {
        return appProperties;
    }

    /**
     * What a deployment of the packaged jar against these services sets, as environment variables
     * only: loopback ports, the API key, WeChat (the simulator), S3 and Kafka.
     */
    public Map<String, String> deploymentEnvironment(int httpPort, int managementPort, String apiKey) {
        return new LinkedHashMap<>(Map.ofEntries(
                Map.entry("HTTP_HOST", "127.0.0.1"),
                Map.entry("HTTP_PORT", Integer.toString(httpPort)),
                Map.entry("MANAGEMENT_HOST", "127.0.0.1"),
                Map.entry("MANAGEMENT_PORT", Integer.toString(managementPort)),
                Map.entry("HTTP_AUTH_API_KEY", apiKey),
                Map.entry("WECHAT_BASE_URL", simulator.baseUrl()),
                Map.entry("WECHAT_APP_ID", APP_ID),
                Map.entry("WECHAT_APP_SECRET", APP_SECRET),
                Map.entry("S3_ENDPOINT", s3.endpoint().toString()),
                Map.entry("S3_REGION", LocalS3.REGION),
                Map.entry("S3_ACCESS_KEY", LocalS3.ACCESS_KEY),
                Map.entry("S3_SECRET_KEY", LocalS3.SECRET_KEY),
                Map.entry("S3_FORCE_PATH_STYLE", "true"),
                Map.entry("S3_OBJECT_TAGS", "false"),
                Map.entry("S3_BUCKET", BUCKET),
                Map.entry("KAFKA_BROKERS", kafka.bootstrapServers())));
    }

    /** Stops the app, S3 and the simulator; the broker belongs to whoever started it. */
    @Override
    public void close() throws Exception {
        stopApp();
        s3.close();
        simulator.close();
    }

    private static int orFree(int port) throws IOException {
        return port != 0 ? port : freePort();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
