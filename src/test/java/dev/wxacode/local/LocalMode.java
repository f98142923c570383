package dev.wxacode.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mvn -Plocal}: the service on 127.0.0.1 with a WeChat simulator and an S3 server beside
 * it, no credentials and no Docker needed. Objects are kept under target/local-s3 across restarts.
 * Ports: HTTP_PORT (8080), S3_PORT (9000), SIM_PORT (9100).
 */
public final class LocalMode {

    private LocalMode() {
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        LocalStack stack = LocalStack.startServices(host, port("HTTP_PORT", 8080), port("S3_PORT", 9000),
                port("SIM_PORT", 9100), Path.of("target", "local-s3"));
        try {
            stack.startApp();
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }, "local-mode-shutdown"));

        System.out.println();
        System.out.println("wxacode-route local mode is up");
        System.out.println("  HTTP API          " + stack.appUrl() + "/api/wxacode");
        System.out.println("  S3 (S3Proxy)      " + stack.s3().endpoint() + "  bucket " + LocalStack.BUCKET
                + "  objects in target/local-s3");
        System.out.println("                    AWS_ACCESS_KEY_ID=" + LocalS3.ACCESS_KEY + " AWS_SECRET_ACCESS_KEY=" + LocalS3.SECRET_KEY
                + " AWS_REGION=" + LocalS3.REGION);
        System.out.println("  WeChat simulator  " + stack.simulator().baseUrl() + "  app id " + LocalStack.APP_ID
                + "  (" + stack.simulator().baseUrl() + "/__sim/stats)");
        System.out.println("Try: curl -s -X POST " + stack.appUrl()
                + "/api/wxacode -H 'Content-Type: application/json' -d '{\"scene\":\"order=42\",\"page\":\"pages/index/index\"}'");
        System.out.println("Stop with Ctrl+C");
        stopped.await();
    }

    private static int port(String env, int fallback) {
        String value = System.getenv(env);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }
}
