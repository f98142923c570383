package dev.wxacode.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.wxacode.local.ForkedApp;
import dev.wxacode.local.LocalKafka;
import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.WechatSimulator;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code mvn -q -Pbench}: the simulator, S3Proxy and a Kafka broker in this JVM; the app as it is
 * deployed, {@code java -jar target/wxacode-route.jar} in a JVM of its own, so its CPU and memory
 * are measured apart. Each scenario is driven through the app and, for reference, through
 * {@link RawClient} against the same simulator and S3 server at the same concurrency. Prints a
 * table; the ratio column (service/raw throughput) is what holds on a noisy machine.
 * <p>
 * BENCH_SCALE scales the request counts and the quota run's 2 minutes (1.0 = the documented run);
 * BENCH_ONLY picks scenarios (http, reuse, quota, shared, kafka); BENCH_APP_JVM_OPTS replaces the app's JVM
 * options; BENCH_JFR=1 records a profile of the app into target/bench-app.jfr.
 */
public final class Benchmark {

    /** The app's JVM options: those the Dockerfile sets, so the figures are the deployment's. */
    public static final String APP_JVM_OPTIONS = "-XX:+UseSerialGC -Xms48m -Xmx96m -XX:MaxMetaspaceSize=128m -Xss512k -XX:+ExitOnOutOfMemoryError";
    /** glibc's malloc keeps an arena per thread otherwise, tens of MB of RSS for a JVM with 100 workers. */
    public static final Map<String, String> APP_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");
    /** The class data archive the first start writes and the later ones map (AppCDS). */
    private static final Path CDS_ARCHIVE = Path.of("target", "bench-app-cds.jsa");

    private static final String KEY = "bench-api-key";
    private static final String REUSE_OFF = ", reuse check off";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Path JAR = Path.of("target", "wxacode-route.jar");

    @FunctionalInterface
    private interface SceneCall {
        boolean run(String scene) throws Exception;
    }

    private final LocalStack stack;
    private final LocalKafka kafka;
    private final double scale;
    private final List<String> jvmOptions;
    private final List<LoadResult> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private ForkedApp app;
    private int appStarts;
    private double firstStart;
    /** Token calls the simulator counted before a reset of its counters. */
    private int earlierTokenCalls;
    private int rawTokenCalls;
    private double slowestStart;
    private long peakRssMb;
    private final List<String> rssByRun = new ArrayList<>();
    private String runLabel;

    private Benchmark(LocalStack stack, LocalKafka kafka, double scale, List<String> jvmOptions) {
        this.stack = stack;
        this.kafka = kafka;
        this.scale = scale;
        this.jvmOptions = jvmOptions;
    }

    public static void main(String[] args) throws Exception {
        double scale = Double.parseDouble(System.getenv().getOrDefault("BENCH_SCALE", "1.0"));
        Set<String> only = Set.of(System.getenv().getOrDefault("BENCH_ONLY", "http,reuse,quota,shared,kafka").split(","));
        List<String> jvmOptions = new ArrayList<>(Arrays.asList(
                System.getenv().getOrDefault("BENCH_APP_JVM_OPTS", APP_JVM_OPTIONS).trim().split("\\s+")));
        if ("1".equals(System.getenv("BENCH_JFR"))) {
            jvmOptions.add("-XX:StartFlightRecording=filename=target/bench-app.jfr,settings=profile");
        }
        Files.deleteIfExists(CDS_ARCHIVE);
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the benchmark as mvn -q -Pbench, which packages it first");
        }
        long started = System.nanoTime();
        LocalKafka kafka = LocalKafka.start("127.0.0.1", LocalStack.freePort(), LocalStack.freePort(), null);
        kafka.createTopics(Map.of("wxacode.requests", 1, "wxacode.replies", 8, "wxacode.requests.dlq", 1,
                "bench.requests.1", 1, "bench.requests.6", 6));
        LocalStack stack = LocalStack.startServices("127.0.0.1", 0, 0, 0, null, kafka)
                .with("http.auth.api-key", KEY)
                .with("wechat.pace.calls-per-minute", "0");
        Benchmark benchmark = new Benchmark(stack, kafka, scale, jvmOptions);
        try {
            benchmark.run(only);
        } finally {
            benchmark.stopApp();
            stack.close();
            kafka.close();
        }
        String table = benchmark.table();
        System.out.println(table);
        Files.writeString(Path.of("target", "benchmark.md"), table);
        System.out.printf("benchmark finished in %.0f s; table also in target/benchmark.md%n", (System.nanoTime() - started) / 1e9);
        System.exit(0);
    }

    private void run(Set<String> only) throws Exception {
        WechatSimulator sim = stack.simulator();
        trainClassDataArchive();
        startApp(Map.of());
        warmUp("service", scene -> post("{\"scene\":\"" + scene + "\"}"));
        if (only.contains("http")) {
            try (S3Client s3 = stack.s3().client()) {
                int tokensBefore = sim.tokenCalls();
                RawClient raw = new RawClient(sim.baseUrl(), LocalStack.APP_ID, LocalStack.APP_SECRET, s3, LocalStack.BUCKET);
                rawTokenCalls = sim.tokenCalls() - tokensBefore;
                warmUp("raw client", raw::generate);
                for (int latency : new int[] {0, 100}) {
                    sim.latency(Duration.ofMillis(latency));
                    for (int inFlight : new int[] {1, 16, 64}) {
                        int requests = requests(latency == 0 ? (inFlight == 1 ? 300 : 2000) : Math.max(60, inFlight * 15));
                        String tag = runTag();
                        measure("unique", "service", inFlight, latency, requests, i -> post("{\"scene\":\"s" + tag + i + "\"}"));
                        measure("unique", "raw client", inFlight, latency, requests, i -> raw.generate("r" + tag + i));
                    }
                }
            }
            sim.latency(Duration.ZERO);
        }
        if (only.contains("reuse")) {
            post("{\"scene\":\"reuse=1\"}");
            measure("reuse", "service", 64, 0, requests(20_000), i -> post("{\"scene\":\"reuse=1\"}"));
        }
        if (only.contains("http")) {
            // the share of the reuse check (one S3 HEAD per new code) in the gap to the raw client
            startApp(Map.of("wxacode.reuse-existing", "false"));
            warmUp("service", scene -> post("{\"scene\":\"" + scene + "\"}"));
            String tag = runTag();
            measure("unique" + REUSE_OFF, "service", 64, 0, requests(2000), i -> post("{\"scene\":\"o" + tag + i + "\"}"));
        }
        if (only.contains("quota")) {
            quota();
        }
        if (only.contains("shared")) {
            stopApp();
            for (int instances : new int[] {1, 3}) {
                sharedQuota(instances);
            }
        }
        if (only.contains("kafka")) {
            kafka();
        }
    }

    /**
     * The Kafka ingress at its defaults (3 consumers, kafka.max-in-flight 64: the in-flight column) on 6 partitions, beside
     * HTTP at 64 in flight at the same WeChat latency, pacing off; then with pacing at 5000/min; then
     * the latency of a request, from its send, at a steady offered rate below the quota.
     */
    private void kafka() throws Exception {
        WechatSimulator sim = stack.simulator();
        String topic = "bench.requests.6";
        startApp(Map.of("kafka.request-topic", topic));
        warmUp("service", scene -> post("{\"scene\":\"" + scene + "\"}"));
        for (int latency : new int[] {100, 300}) {
            sim.latency(Duration.ofMillis(latency));
            int requests = requests(latency == 100 ? 3000 : 2000);
            String tag = runTag();
            measure("unique over HTTP", "service", 64, latency, requests, i -> post("{\"scene\":\"h" + tag + i + "\"}"));
            measureKafka("unique over Kafka, 6 partitions, sent at once", 64, latency, requests, topic, "k" + runTag(), 0);
            notes.add(String.format("Kafka/HTTP at %d ms: %.2f.", latency,
                    results.get(results.size() - 1).throughput() / results.get(results.size() - 2).throughput()));
        }
        sim.latency(Duration.ofMillis(300));
        measureKafka("unique over Kafka, 6 partitions, 50/s offered", 64, 300, requests(1500), topic, "s" + runTag(), 50);
        startApp(Map.of("kafka.request-topic", topic, "wechat.pace.calls-per-minute", "5000"));
        earlierTokenCalls += sim.tokenCalls();
        sim.reset();
        sim.latency(Duration.ofMillis(300));
        measureKafka("unique over Kafka, 6 partitions, pacing 5000/min", 64, 300, requests(4000), topic, "p" + runTag(), 0);
        int calls = sim.codeCalls();
        double perMinute = (calls - 1) / (sim.codeCallSpan().toNanos() / 60e9);
        notes.add(String.format("Kafka with pacing at 5000/min and 300 ms latency: %d getUnlimited calls in %.1f s,"
                + " %.0f calls/min from one instance.", calls, sim.codeCallSpan().toNanos() / 1e9, perMinute));
        earlierTokenCalls += sim.tokenCalls();
        sim.reset();
    }

    /**
     * Rounds of unique requests (at least 3) until a round is no longer 5 % cheaper in CPU than the
     * best before it: a JVM compiles the hot path over its first thousands of calls (some 60 CPU
     * seconds for this app on 2 cores), which is start-up cost, not the cost of a request.
     */
    private void warmUp(String client, SceneCall call) throws Exception {
        double previous = Double.MAX_VALUE;
        for (int round = 1; round <= 10; round++) {
            String tag = "w" + runTag();
            measure("warm-up", client, 16, 0, 1000, i -> call.run(tag + i));
            LoadResult last = results.remove(results.size() - 1);
            double cpu = last.totalCpuMsPerRequest();
            System.out.printf("warm-up %s round %d: %.0f req/s, %.2f CPU ms per request%n", client, round, last.throughput(), cpu);
            if (round >= 3 && cpu > previous * 0.95) {
                return;
            }
            previous = Math.min(previous, cpu);
        }
    }

    /**
     * Unique requests offered faster than WeChat's 5000/min for 2 minutes, with the app's pacing
     * at its default and the simulator enforcing the quota: the achieved call rate and any 45009.
     */
    private void quota() throws Exception {
        WechatSimulator sim = stack.simulator();
        startApp(Map.of("wechat.pace.calls-per-minute", "5000"));
        earlierTokenCalls += sim.tokenCalls();
        sim.reset();
        sim.enforceQuota(5000, Duration.ofMinutes(1));
        String prefix = "q" + runTag();
        double cpuBefore = app.cpuSeconds();
        LoadDriver.Measured m = LoadDriver.driveFor(64, 120 * scale, i -> post("{\"scene\":\"" + prefix + i + "\"}"));
        int calls = sim.codeCalls();
        double perMinute = (calls - 1) / (sim.codeCallSpan().toNanos() / 60e9);
        results.add(new LoadResult("quota (offered as fast as 64 callers go)", "service", 64, 0, m.requests(), m.failures(),
                m.seconds(), m.latencies(), app.cpuSeconds() - cpuBefore, m.cpuSeconds(), sim.tokenCalls(), calls));
        notes.add(String.format("Quota pacing: %d getUnlimited calls in %.1f s, %.1f calls/min at a pace of 5000/min"
                        + " (%+.2f %%), %d x 45009 from the simulator's 5000/min window.",
                calls, sim.codeCallSpan().toNanos() / 1e9, perMinute, (perMinute / 5000 - 1) * 100, sim.quotaRefusals()));
        earlierTokenCalls += sim.tokenCalls();
        sim.reset();
    }

    /**
     * The deployment's quota shared by {@code instances} apps in one group (docs/scaling.md): 5000
     * calls a minute for all of them, requests for 75 s at that rate sent at once over
     * Kafka, so every instance is saturated; the rate over the minute after the first 10 s (the
     * JVMs' warm-up), 45009s from the simulator's 5000/min window, and each instance's CPU over that
     * minute and peak RSS.
     */
    private void sharedQuota(int instances) throws Exception {
        WechatSimulator sim = stack.simulator();
        String topic = "bench.shared." + instances;
        kafka.createTopics(Map.of(topic, 12));
        List<ForkedApp> apps = new ArrayList<>();
        List<String> managementUrls = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                Map<String, String> properties = new LinkedHashMap<>(stack.appProperties());
                int httpPort = LocalStack.freePort();
                properties.putAll(Map.of("http.port", Integer.toString(httpPort),
                        "management.port", Integer.toString(LocalStack.freePort()),
                        "wechat.pace.calls-per-minute", "5000",
                        "kafka.group", "bench-shared-" + instances,
                        "kafka.request-topic", topic,
                        "kafka.consumers", Integer.toString(12 / instances)));
                List<String> options = new ArrayList<>(jvmOptions);
                options.add("-XX:SharedArchiveFile=" + CDS_ARCHIVE);
                apps.add(ForkedApp.fromJar(JAR, options, APP_ENVIRONMENT, properties,
                        Path.of("target", "bench-shared-" + instances + "-" + i + ".log")));
                managementUrls.add("http://" + properties.get("management.host") + ":" + properties.get("management.port"));
            }
            for (int i = 0; i < instances; i++) {
                apps.get(i).awaitReady(managementUrls.get(i), Duration.ofSeconds(60));
            }
            // each instance holds its part of the coordination topic before the clock starts
            Thread.sleep(3000);
            earlierTokenCalls += sim.tokenCalls();
            sim.reset();
            sim.enforceQuota(5000, Duration.ofMinutes(1));
            String prefix = "m" + instances + runTag();
            int requests = (int) (5000 * 1.25 * scale);
            Thread load = new Thread(() -> {
                try {
                    KafkaLoad.drive(kafka.bootstrapServers(), topic, "wxacode.replies", requests, prefix);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-shared-load");
            load.start();
            while (sim.codeCalls() == 0) {
                Thread.sleep(10);
            }
            long from = sim.codeCallTimes().get(0) + Duration.ofSeconds(10).toNanos();
            long to = from + Duration.ofSeconds((long) (60 * scale)).toNanos();
            Thread.sleep(Math.max(0, (from - System.nanoTime()) / 1_000_000));
            double[] cpuBefore = new double[instances];
            for (int i = 0; i < instances; i++) {
                cpuBefore[i] = apps.get(i).cpuSeconds();
            }
            Thread.sleep(Math.max(0, (to - System.nanoTime()) / 1_000_000));
            StringBuilder perInstance = new StringBuilder();
            for (int i = 0; i < instances; i++) {
                perInstance.append(String.format("%s%.1f CPU s, %d MB", i == 0 ? "" : "; ",
                        apps.get(i).cpuSeconds() - cpuBefore[i], apps.get(i).peakRssMb()));
            }
            long calls = sim.codeCallTimes().stream().filter(t -> t >= from && t < to).count();
            double perMinute = calls * 60e9 / (to - from);
            notes.add(String.format("Shared quota, %d instance%s (5000/min for the deployment, 12 request partitions, Kafka): %.1f"
                            + " codes/min over %.0f s (%+.2f %%), %d x 45009 from the simulator's 5000/min window; per instance"
                            + " over that time: %s (CPU seconds, peak RSS)",
                    instances, instances == 1 ? "" : "s", perMinute, (to - from) / 1e9, (perMinute / 5000 - 1) * 100,
                    sim.quotaRefusals(), perInstance));
            load.join(Duration.ofMinutes(5).toMillis());
        } finally {
            for (ForkedApp app : apps) {
                app.stop();
            }
        }
        earlierTokenCalls += sim.tokenCalls();
        sim.reset();
    }

    private void measure(String scenario, String client, int inFlight, int latency, int requests, LoadDriver.Call call)
            throws Exception {
        WechatSimulator sim = stack.simulator();
        int tokens = sim.tokenCalls();
        int codes = sim.codeCalls();
        double cpuBefore = app.cpuSeconds();
        LoadDriver.Measured m = LoadDriver.drive(inFlight, requests, call);
        results.add(new LoadResult(scenario, client, inFlight, latency, requests, m.failures(), m.seconds(), m.latencies(),
                app.cpuSeconds() - cpuBefore, m.cpuSeconds(), sim.tokenCalls() - tokens, sim.codeCalls() - codes));
    }

    private void measureKafka(String scenario, int inFlight, int latency, int requests, String topic, String prefix,
                              double perSecond) throws Exception {
        WechatSimulator sim = stack.simulator();
        int tokens = sim.tokenCalls();
        int codes = sim.codeCalls();
        double cpuBefore = app.cpuSeconds();
        LoadDriver.Measured m = KafkaLoad.drive(kafka.bootstrapServers(), topic, "wxacode.replies", requests, prefix, perSecond);
        results.add(new LoadResult(scenario, "service", inFlight, latency, requests,
                m.failures(), m.seconds(), m.latencies(), app.cpuSeconds() - cpuBefore, m.cpuSeconds(),
                sim.tokenCalls() - tokens, sim.codeCalls() - codes));
    }

    /**
     * A training run, as a deployment would do at build time: a start, some unique and repeated
     * requests, a stop, which writes the class data archive every measured start then maps. Its
     * start is the one measured without an archive.
     */
    private void trainClassDataArchive() throws Exception {
        startApp(Map.of());
        String tag = "t" + runTag();
        LoadDriver.drive(8, 300, i -> post("{\"scene\":\"" + tag + (i % 200) + "\"}"));
        stopApp();
        rssByRun.clear();
        peakRssMb = 0;
    }

    /**
     * (Re)starts the forked app with the stack's properties plus {@code overrides}, timing start to
     * ready. The first start writes a class data archive at its exit; later starts map it.
     */
    private void startApp(Map<String, String> overrides) throws Exception {
        stopApp();
        Map<String, String> properties = new LinkedHashMap<>(stack.appProperties());
        properties.putAll(overrides);
        runLabel = overrides.isEmpty() ? "defaults" : overrides.toString();
        List<String> options = new ArrayList<>(jvmOptions);
        options.add(appStarts == 0 ? "-XX:ArchiveClassesAtExit=" + CDS_ARCHIVE : "-XX:SharedArchiveFile=" + CDS_ARCHIVE);
        long t0 = System.nanoTime();
        app = ForkedApp.fromJar(JAR, options, APP_ENVIRONMENT, properties, Path.of("target", "bench-app.log"));
        app.awaitReady(stack.managementUrl(), Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (appStarts == 0) {
            firstStart = seconds;
        } else {
            slowestStart = Math.max(slowestStart, seconds);
        }
        appStarts++;
    }

    private void stopApp() throws Exception {
        if (app != null && app.isAlive()) {
            long rss = app.peakRssMb();
            rssByRun.add(runLabel + ": " + rss + " MB");
            peakRssMb = Math.max(peakRssMb, rss);
            app.stop();
        }
        app = null;
    }

    /** Sets one run's scenes apart from another's, within the scene's 32 characters. */
    private static String runTag() {
        return Long.toString(System.nanoTime() % 2_000_000_000L, 36) + "-";
    }

    private int requests(int atScaleOne) {
        return (int) Math.max(20, atScaleOne * scale);
    }

    private boolean post(String json) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/wxacode"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return response.statusCode() == 200;
    }

    private String table() {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | client | in flight | WeChat latency | requests | failed | req/s | p50 ms | p95 ms | p99 ms"
                + " | app CPU ms/req | total CPU ms/req | token calls | code calls | service/raw |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (LoadResult r : results) {
            String ratio = "";
            if (r.client().equals("service")) {
                ratio = results.stream().filter(o -> o.client().equals("raw client") && o.inFlight() == r.inFlight()
                                && o.latencyMs() == r.latencyMs() && o.scenario().equals(r.scenario().replace(REUSE_OFF, "")))
                        .findFirst().map(o -> String.format("%.2f", r.throughput() / o.throughput())).orElse("");
            }
            out.append(String.format("| %s | %s | %d | %d ms | %d | %d | %.0f | %.1f | %.1f | %.1f | %.2f | %.2f | %d | %d | %s |%n",
                    r.scenario(), r.client(), r.inFlight(), r.latencyMs(), r.requests(), r.failures(), r.throughput(),
                    r.percentileMs(50), r.percentileMs(95), r.percentileMs(99), r.appCpuMsPerRequest(),
                    r.totalCpuMsPerRequest(), r.tokenCalls(), r.codeCalls(), ratio));
        }
        out.append(String.format("%nApp JVM: `MALLOC_ARENA_MAX=2 java %s -jar %s`. Start to ready (process start to"
                        + " /observe/health/ready answering 200): %.2f s at the first start, without a class data archive;"
                        + " %.2f s at the slowest of the %d later starts, with the archive the first one (a training run) wrote."
                        + " Peak RSS of the app's JVM: %d MB. Token calls by the app: %d over %d app starts (and %d by the raw client).%n",
                String.join(" ", jvmOptions), JAR, firstStart, slowestStart, appStarts - 1, peakRssMb,
                earlierTokenCalls + stack.simulator().tokenCalls() - rawTokenCalls, appStarts, rawTokenCalls));
        out.append("Peak RSS by app run: ").append(String.join("; ", rssByRun)).append(".\n");
        notes.forEach(n -> out.append(n).append('\n'));
        return out.toString();
    }
}
