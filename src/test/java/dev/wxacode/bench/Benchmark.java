package dev.wxacode.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.wxacode.local.LocalKafka;
import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.WechatSimulator;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code mvn -q -Pbench}: local mode on free ports, then each scenario driven through the service
 * and, for reference, through {@link RawClient} against the same simulator and S3 server at the
 * same concurrency. Prints a table; the ratio column (service/raw throughput) is what holds on a
 * noisy machine. Scale with BENCH_SCALE (1.0 = the documented run).
 */
public final class Benchmark {

    private static final String KEY = "bench-api-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        double scale = Double.parseDouble(System.getenv().getOrDefault("BENCH_SCALE", "1.0"));
        long started = System.nanoTime();
        LocalKafka kafka = LocalKafka.start("127.0.0.1", LocalStack.freePort(), LocalStack.freePort(), null);
        kafka.createTopics(Map.of("wxacode.requests", 1, "wxacode.replies", 8, "wxacode.requests.dlq", 1,
                "bench.requests.1", 1, "bench.requests.8", 8));
        LocalStack stack = LocalStack.startServices("127.0.0.1", 0, 0, 0, null, kafka)
                .with("http.auth.api-key", KEY)
                .with("wechat.pace.calls-per-minute", "0");
        long appStart = System.nanoTime();
        stack.startApp();
        double startSeconds = (System.nanoTime() - appStart) / 1e9;
        WechatSimulator sim = stack.simulator();
        List<LoadResult> results = new ArrayList<>();
        try (S3Client s3 = stack.s3().client()) {
            RawClient raw = new RawClient(sim.baseUrl(), LocalStack.APP_ID, LocalStack.APP_SECRET, s3, LocalStack.BUCKET);
            // warm-up: JIT, connection pools, the token
            run(stack, "warm-up", 16, 0, (int) (400 * scale), results, false);
            results.clear();
            for (int latency : new int[] {0, 100}) {
                for (int inFlight : new int[] {1, 16, 64}) {
                    int requests = (int) Math.max(20, scale * (latency == 0 ? (inFlight == 1 ? 300 : 2000) : inFlight * 15));
                    run(stack, "unique", inFlight, latency, requests, results, true);
                    runRaw(raw, sim, inFlight, latency, requests, results);
                }
            }
            for (int partitions : new int[] {1, 8}) {
                stack.stopApp();
                stack.with("kafka.request-topic", "bench.requests." + partitions).with("kafka.consumers", Integer.toString(partitions));
                stack.startApp();
                for (int latency : new int[] {0, 100}) {
                    sim.latency(Duration.ofMillis(latency));
                    int requests = (int) Math.max(20, scale * (latency == 0 ? 600 : 100 * partitions));
                    int tokens = sim.tokenCalls();
                    int codes = sim.codeCalls();
                    LoadDriver.Measured m = KafkaLoad.drive(kafka.bootstrapServers(), "bench.requests." + partitions,
                            "wxacode.replies", requests, "kafka-" + partitions + "-" + latency + "-" + System.nanoTime() % 100000 + "-");
                    results.add(new LoadResult("unique over Kafka (in flight = partitions)", "service", partitions, latency,
                            requests, m.failures(), m.seconds(), m.latencies(), m.cpuSeconds(), sim.tokenCalls() - tokens,
                            sim.codeCalls() - codes));
                }
            }
            sim.latency(Duration.ZERO);
            post(stack, "{\"scene\":\"reuse=1\"}");
            results.add(measure("reuse", "service", 64, 0, (int) (10_000 * scale), sim,
                    i -> post(stack, "{\"scene\":\"reuse=1\"}")));
        } finally {
            stack.close();
            kafka.close();
        }
        String table = table(results, startSeconds, peakRssMb());
        System.out.println(table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "benchmark.md"), table);
        System.out.printf("benchmark finished in %.0f s; table also in target/benchmark.md%n", (System.nanoTime() - started) / 1e9);
        System.exit(0);
    }

    private static void run(LocalStack stack, String scenario, int inFlight, int latency, int requests,
                            List<LoadResult> results, boolean keep) throws Exception {
        stack.simulator().latency(Duration.ofMillis(latency));
        String prefix = scenario + "-" + inFlight + "-" + latency + "-" + System.nanoTime() % 100000 + "-";
        LoadResult result = measure(scenario, "service", inFlight, latency, requests, stack.simulator(),
                i -> post(stack, "{\"scene\":\"" + prefix + i + "\"}"));
        if (keep) {
            results.add(result);
        }
    }

    private static void runRaw(RawClient raw, WechatSimulator sim, int inFlight, int latency, int requests,
                               List<LoadResult> results) throws Exception {
        sim.latency(Duration.ofMillis(latency));
        String prefix = "raw-" + inFlight + "-" + latency + "-" + System.nanoTime() % 100000 + "-";
        results.add(measure("unique", "raw client", inFlight, latency, requests, sim, i -> raw.generate(prefix + i)));
    }

    private static LoadResult measure(String scenario, String client, int inFlight, int latency, int requests,
                                      WechatSimulator sim, LoadDriver.Call call) throws Exception {
        int tokens = sim.tokenCalls();
        int codes = sim.codeCalls();
        LoadDriver.Measured m = LoadDriver.drive(inFlight, requests, call);
        return new LoadResult(scenario, client, inFlight, latency, requests, m.failures(), m.seconds(), m.latencies(),
                m.cpuSeconds(), sim.tokenCalls() - tokens, sim.codeCalls() - codes);
    }

    private static boolean post(LocalStack stack, String json) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/wxacode"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode() == 200;
    }

    private static String table(List<LoadResult> results, double startSeconds, long peakRssMb) {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | client | in flight | WeChat latency | requests | failed | req/s | p50 ms | p95 ms | p99 ms"
                + " | CPU s / 1000 | token calls | code calls | service/raw |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (LoadResult r : results) {
            String ratio = "";
            if (r.client().equals("service")) {
                ratio = results.stream().filter(o -> o.client().equals("raw client") && o.inFlight() == r.inFlight()
                                && o.latencyMs() == r.latencyMs() && o.scenario().equals(r.scenario()))
                        .findFirst().map(o -> String.format("%.2f", r.throughput() / o.throughput())).orElse("");
            }
            out.append(String.format("| %s | %s | %d | %d ms | %d | %d | %.0f | %.1f | %.1f | %.1f | %.2f | %d | %d | %s |%n",
                    r.scenario(), r.client(), r.inFlight(), r.latencyMs(), r.requests(), r.failures(), r.throughput(),
                    r.percentileMs(50), r.percentileMs(95), r.percentileMs(99), r.cpuSecondsPer1000(), r.tokenCalls(),
                    r.codeCalls(), ratio));
        }
        out.append(String.format("%nApp start to ready: %.2f s. Peak RSS of the whole JVM (service, Kafka broker, S3 server,"
                + " simulator and load generator together): %d MB.%n", startSeconds, peakRssMb));
        return out.toString();
    }

    private static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
