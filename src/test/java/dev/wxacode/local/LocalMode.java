package dev.wxacode.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mvn -Plocal}: the service on 127.0.0.1 with a Kafka broker, an S3 server and a WeChat
 * simulator beside it, no credentials and no Docker needed. Objects and Kafka's log are kept under
 * target/ across restarts. Ports: HTTP_PORT (8080), KAFKA_PORT (9092, and KAFKA_CONTROLLER_PORT
 * 9093), S3_PORT (9000), SIM_PORT (9100). The HTTP API wants the API key printed at start (and
 * written to target/local-api-key), unless HTTP_AUTH_MODE=none.
 */
public final class LocalMode {

    static final String TOPIC_REQUESTS = "wxacode.requests";
    static final String TOPIC_REPLIES = "wxacode.replies";
    static final String TOPIC_DLQ = "wxacode.requests.dlq";
    static final int PARTITIONS = 6;
    static final Path API_KEY_FILE = Path.of("target", "local-api-key");
    /** Where log4j2-local.xml writes the broker's, S3's and the service's logs. */
    static final Path LOGS = Path.of("target", "local-logs");
    static final String SHOP_APP_ID = "wx00000000000shop";
    static final String SHOP_APP_SECRET = "local-shop-secret-3b7d1e90c2a4";

    private LocalMode() {
    }

    public static void main(String[] args) throws Exception {
        // progress, the banner and the request lines on the console; the broker's, S3's and Camel's
        // INFO in files under target/local-logs (log4j2-local.xml)
        System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
        String host = "127.0.0.1";
        progress("Starting Kafka (KRaft broker) ...   log: " + LOGS.resolve("kafka.log"));
        LocalKafka kafka = LocalKafka.start(host, port("KAFKA_PORT", 9092), port("KAFKA_CONTROLLER_PORT", 9093),
                Path.of("target", "local-kafka"));
        kafka.createTopics(Map.of(TOPIC_REQUESTS, PARTITIONS, TOPIC_REPLIES, PARTITIONS, TOPIC_DLQ, PARTITIONS));
        progress("Starting S3 (S3Proxy) and the WeChat simulator ...   log: " + LOGS.resolve("s3.log"));
        LocalStack stack = LocalStack.startServices(host, port("HTTP_PORT", 8080), port("S3_PORT", 9000),
                port("SIM_PORT", 9100), Path.of("target", "local-s3"), kafka);
        // an API key made up for this run, unless told in as many words to run open
        boolean open = "none".equals(System.getenv("HTTP_AUTH_MODE"));
        String apiKey = open ? null : "local-" + UUID.randomUUID();
        if (open) {
            stack.with("http.auth.mode", "none");
        } else {
            stack.with("http.auth.api-key", apiKey);
            Files.writeString(API_KEY_FILE, apiKey + "\n");
        }
        // edit routes/**/*.camel.yaml and the running service takes the change
        stack.with("wxacode.routes-reload", "true");
        // a second mini program, so that "app":"shop" can be tried as well
        stack.simulator().addApp(SHOP_APP_ID, SHOP_APP_SECRET);
        stack.with("wechat.apps", "default,shop").with("wechat.app.shop.id", SHOP_APP_ID)
                .with("wechat.app.shop.secret", SHOP_APP_SECRET);
        try {
            progress("Starting wxacode-route ...   log: " + LOGS.resolve("service.log"));
            stack.startApp();
        } catch (Exception e) {
            stack.close();
            kafka.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
                kafka.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }, "local-mode-shutdown"));

        System.out.println();
        System.out.println("wxacode-route local mode is up");
        System.out.println("  HTTP API          " + stack.appUrl() + "/api/wxacode  "
                + (open ? "OPEN (HTTP_AUTH_MODE=none)" : "API key " + apiKey + " (also in " + API_KEY_FILE + ")"));
        System.out.println("  Health            " + stack.managementUrl() + "/observe/health  (/live, /ready)");
        System.out.println("  S3 (S3Proxy)      " + stack.s3().endpoint() + "  bucket " + LocalStack.BUCKET
                + "  objects in target/local-s3");
        System.out.println("                    AWS_ACCESS_KEY_ID=" + LocalS3.ACCESS_KEY + " AWS_SECRET_ACCESS_KEY=" + LocalS3.SECRET_KEY
                + " AWS_REGION=" + LocalS3.REGION);
        System.out.println("  Kafka (KRaft)     " + kafka.bootstrapServers() + "  topics " + TOPIC_REQUESTS + ", " + TOPIC_REPLIES
                + ", " + TOPIC_DLQ + " (" + PARTITIONS + " partitions)  log in target/local-kafka");
        System.out.println("  WeChat simulator  " + stack.simulator().baseUrl() + "  apps default (" + LocalStack.APP_ID
                + ") and shop (" + SHOP_APP_ID + ")  (" + stack.simulator().baseUrl() + "/__sim/stats)");
        System.out.println("Try: curl -s -X POST " + stack.appUrl() + "/api/wxacode -H 'Content-Type: application/json'"
                + (open ? "" : " -H \"Authorization: Bearer $(cat " + API_KEY_FILE + ")\"")
                + " -d '{\"scene\":\"order=42\",\"page\":\"pages/index/index\"}'");
        System.out.println("Or:  echo 'order-42|{\"scene\":\"order=42\"}' | kcat -P -b " + kafka.bootstrapServers() + " -t " + TOPIC_REQUESTS
                + " -K '|'  &&  kcat -C -b " + kafka.bootstrapServers() + " -t " + TOPIC_REPLIES + " -o beginning -e");
        System.out.println("Logs: " + LOGS + "/ (kafka.log, s3.log, service.log); requests and warnings below");
        System.out.println("Stop with Ctrl+C");
        stopped.await();
    }

    private static void progress(String line) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
    }

    private static int port(String env, int fallback) {
        String value = System.getenv(env);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }
}
