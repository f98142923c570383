package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wxacode.bench.Benchmark;
import dev.wxacode.local.ForkedApp;
import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.Test;

/**
 * The attack of issue 10 against the packaged jar with the Dockerfile's JVM options (a 96 MB heap):
 * 100 connections without a key each upload a 1 MB body (half as fast as they can, half slowly)
 * and 100 more sit half-open, reconnecting whenever the server closes them, while a caller with a
 * valid key sends 200 requests. Every valid request must be answered ok, the server must close
 * every attacking connection within its read timeout, and the JVM must never run out of memory.
 */
class EdgeAttackIT {

    private static final Path JAR = Path.of("target", "wxacode-route.jar");
    private static final Path APP_LOG = Path.of("target", "test-logs", "edge-attack-app.log");
    private static final String API_KEY = "attack-it-key-51c9e0";
    private static final int UPLOADERS = 100;
    private static final int HALF_OPEN = 100;
    private static final int VALID_REQUESTS = 200;
    private static final int BODY_BYTES = 1_048_000;
    /** application.properties' http.read-timeout-ms, which the deployment below does not change. */
    private static final long READ_TIMEOUT_MS = 5000;
    private static final Duration ATTACK = Duration.ofSeconds(30);
    private static final Pattern HEAP_USED = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)$",
            Pattern.MULTILINE);

    /** What the attacker's connections saw: how many the server closed, and the longest any was held. */
    private static final class Tally {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closedByServer = new AtomicInteger();
        final AtomicInteger answered401 = new AtomicInteger();
        final AtomicLong longestHeldMs = new AtomicLong();
    }

    @Test
    void validCallersAreServedWhileAnonymousUploadsAndHalfOpenConnectionsAreCut() throws Exception {
        assertEquals(dockerfileJavaOptions(), Benchmark.APP_JVM_OPTIONS, "the attack runs with the Dockerfile's JVM options");
        try (LocalStack services = LocalStack.startServices("127.0.0.1", 0, 0, 0, null, SharedKafka.broker())) {
            int httpPort = LocalStack.freePort();
            int managementPort = LocalStack.freePort();
            Map<String, String> deployment = new HashMap<>(Benchmark.APP_ENVIRONMENT);
            deployment.putAll(services.deploymentEnvironment(httpPort, managementPort, API_KEY));
            deployment.put("KAFKA_ENABLED", "false");
            String appUrl = "http://127.0.0.1:" + httpPort;
            String managementUrl = "http://127.0.0.1:" + managementPort;
            List<String> jvmOptions = Arrays.asList(Benchmark.APP_JVM_OPTIONS.split(" "));
            try (ForkedApp app = ForkedApp.fromJar(JAR, jvmOptions, deployment, Map.of(), APP_LOG)) {
                app.awaitReady(managementUrl, Duration.ofSeconds(60));

                Tally uploads = new Tally();
                Tally halfOpen = new Tally();
                AtomicLong peakHeap = new AtomicLong();
                long attackEnds = System.nanoTime() + ATTACK.toNanos();
                ExecutorService attackers = Executors.newFixedThreadPool(UPLOADERS + HALF_OPEN + 1);
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < UPLOADERS; i++) {
                    boolean slowly = i % 2 == 1;
                    running.add(attackers.submit(() -> repeatUntil(attackEnds, () -> upload(httpPort, slowly, uploads))));
                }
                for (int i = 0; i < HALF_OPEN; i++) {
                    running.add(attackers.submit(() -> repeatUntil(attackEnds, () -> sitHalfOpen(httpPort, halfOpen))));
                }
                running.add(attackers.submit(() -> repeatUntil(attackEnds,
                        () -> peakHeap.accumulateAndGet(heapUsed(managementUrl), Math::max))));
                // the attack settles in before the valid caller starts
                Thread.sleep(3000);

                long started = System.nanoTime();
                List<Long> latencies = sendValidRequests(appUrl);
                double validSeconds = (System.nanoTime() - started) / 1e9;
                for (Future<?> attacker : running) {
                    attacker.get(ATTACK.toSeconds() + 30, TimeUnit.SECONDS);
                }
                attackers.shutdownNow();

                assertEquals(VALID_REQUESTS, latencies.size(), "every valid request answered 200");
                assertTrue(isLive(managementUrl), "alive after the attack");
                latencies.sort(Long::compare);
                long peakRss = app.peakRssMb();
                System.out.printf("edge attack: %d upload connections (%d answered 401, %d closed by the server, longest held %d ms), "
                                + "%d half-open connections (%d closed by the server, longest held %d ms); %d/%d valid requests ok in %.1f s "
                                + "(median %d ms, max %d ms); peak heap %d MB of 96, peak RSS %d MB; OutOfMemoryError: %d%n",
                        uploads.opened.get(), uploads.answered401.get(), uploads.closedByServer.get(), uploads.longestHeldMs.get(),
                        halfOpen.opened.get(), halfOpen.closedByServer.get(), halfOpen.longestHeldMs.get(),
                        latencies.size(), VALID_REQUESTS, validSeconds, latencies.get(latencies.size() / 2),
                        latencies.get(latencies.size() - 1), peakHeap.get() / (1024 * 1024), peakRss,
                        count(Files.readString(APP_LOG), "OutOfMemoryError"));

                assertEquals(uploads.opened.get(), uploads.answered401.get(), "every anonymous upload answered 401");
                assertEquals(uploads.opened.get(), uploads.closedByServer.get(), "every anonymous upload cut by the server");
                assertEquals(halfOpen.opened.get(), halfOpen.closedByServer.get(), "every half-open connection closed by the server");
                assertTrue(halfOpen.longestHeldMs.get() < READ_TIMEOUT_MS * 2, "half-open held " + halfOpen.longestHeldMs + " ms");
                assertTrue(uploads.longestHeldMs.get() < READ_TIMEOUT_MS * 2, "an upload held " + uploads.longestHeldMs + " ms");
                assertTrue(peakHeap.get() > 0, "the heap was read during the attack");
                assertEquals(143, app.stop(), "stopped by SIGTERM after the attack");
            }
            String log = Files.readString(APP_LOG, StandardCharsets.UTF_8);
            assertFalse(log.contains("OutOfMemoryError"), "no OutOfMemoryError in " + APP_LOG);
            assertFalse(log.contains("Unhandled exception in router"), "no ERROR per aborted connection in " + APP_LOG);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Each attacker comes back 100 ms after the server cut it: 100 connections at a time, not a connect flood. */
    private static Void repeatUntil(long deadline, Step step) throws Exception {
        while (System.nanoTime() < deadline) {
            step.run();
            Thread.sleep(100);
        }
        return null;
    }

    /** A 1 MB upload without a key: the whole body but its last byte as fast as possible, or 16 KB every 100 ms. */
    private static void upload(int port, boolean slowly, Tally tally) throws IOException, InterruptedException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            tally.opened.incrementAndGet();
            long opened = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                out.write(("POST /api/wxacode HTTP/1.1\r\nHost: attack\r\nContent-Type: application/json\r\nContent-Length: "
                        + BODY_BYTES + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] chunk = new byte[16 * 1024];
                Arrays.fill(chunk, (byte) 'a');
                for (int sent = 0; sent < BODY_BYTES - 1; sent += chunk.length) {
                    out.write(chunk, 0, Math.min(chunk.length, BODY_BYTES - 1 - sent));
                    if (slowly) {
                        Thread.sleep(100);
                    }
                }
            } catch (IOException cutOff) {
                // the server answered and closed while the body was still going out: what it should do
            }
            awaitClose(socket, in, opened, tally);
        }
    }

    /** Half a head, then nothing. */
    private static void sitHalfOpen(int port, Tally tally) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            tally.opened.incrementAndGet();
            long opened = System.nanoTime();
            socket.getOutputStream().write("POST /api/wxacode HTTP/1.1\r\nHost: attack\r\n".getBytes(StandardCharsets.ISO_8859_1));
            awaitClose(socket, socket.getInputStream(), opened, tally);
        }
    }

    /** Reads until the server closes (counting a 401 if one came), for at most three read timeouts. */
    private static void awaitClose(Socket socket, InputStream in, long opened, Tally tally) throws IOException {
        socket.setSoTimeout((int) (READ_TIMEOUT_MS * 3));
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        boolean closed = false;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (seen.length() < 64) {
                    seen.append(new String(buffer, 0, Math.min(n, 64), StandardCharsets.ISO_8859_1));
                }
            }
            closed = true;
        } catch (SocketTimeoutException heldOpen) {
            closed = false;
        } catch (IOException reset) {
            closed = true;
        }
        if (seen.toString().startsWith("HTTP/1.1 401")) {
            tally.answered401.incrementAndGet();
        }
        if (closed) {
            tally.closedByServer.incrementAndGet();
        }
        tally.longestHeldMs.accumulateAndGet((System.nanoTime() - opened) / 1_000_000, Math::max);
    }

    /** 200 requests with the valid key, 8 at a time, each given 10 s; returns the latency of each one answered 200. */
    private static List<Long> sendValidRequests(String appUrl) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<Future<Long>> calls = new ArrayList<>();
        for (int i = 0; i < VALID_REQUESTS; i++) {
            String body = "{\"scene\":\"attack=" + i + "\"}";
            calls.add(callers.submit(() -> {
                long t0 = System.nanoTime();
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(appUrl + "/api/wxacode"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                return (System.nanoTime() - t0) / 1_000_000;
            }));
        }
        List<Long> latencies = new ArrayList<>();
        for (Future<Long> call : calls) {
            latencies.add(call.get(60, TimeUnit.SECONDS));
        }
        callers.shutdown();
        return latencies;
    }

    private static long heapUsed(String managementUrl) {
        try {
            String metrics = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(managementUrl + "/observe/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            long sum = 0;
            Matcher m = HEAP_USED.matcher(metrics);
            while (m.find()) {
                sum += (long) Double.parseDouble(m.group(1));
            }
            return sum;
        } catch (Exception e) {
            return 0;
        }
    }

    private static boolean isLive(String managementUrl) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(managementUrl + "/observe/health/live")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    }

    private static String dockerfileJavaOptions() throws IOException {
        Matcher m = Pattern.compile("JAVA_OPTS=\"([^\"]+)\"").matcher(Files.readString(Path.of("Dockerfile")));
        assertTrue(m.find(), "the Dockerfile sets JAVA_OPTS");
        return m.group(1);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
