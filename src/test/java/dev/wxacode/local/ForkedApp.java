package dev.wxacode.local;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wxacode.token.AppSettings;

/**
 * The service in a JVM of its own, configured only through environment variables as in a
 * deployment: so that a test can kill it the hard way (SIGKILL: no shutdown hook, no drain, no
 * final commit), and so that the benchmark can measure its CPU and memory apart from the
 * infrastructure around it.
 */
public final class ForkedApp implements AutoCloseable {

    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /**
     * Where each forked app's output went and how it ended, one line per event (the log's path,
     * a tab, then {@code started}, {@code stopped <exit status>} or {@code killed}), so that the
     * secrets search knows which app logs this build wrote and which may have lost their last
     * lines to a SIGKILL. Named by the system property {@code wxacode.forked-app-ledger}, like the
     * token ledger; without it (local mode, the benchmark) nothing is recorded.
     */
    public static final String LEDGER_PROPERTY = "wxacode.forked-app-ledger";
    private static boolean resetLedger = Boolean.getBoolean("wxacode.token-ledger.reset");

    private final Process process;
    private final Path log;

    private ForkedApp(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The app from the current classpath (the tests': they run before the jar is packaged). */
    public static ForkedApp fromClasspath(Map<String, String> properties, Path log) throws Exception {
        return start(List.of("-cp", System.getProperty("java.class.path"),
                // the production logging setup, not the tests' (which would truncate the tests' log file)
                "-Dlog4j2.configurationFile=log4j2.xml",
                "dev.wxacode.Application"), environmentOf(properties), log);
    }

    /**
     * The packaged app as it is deployed: {@code java <options> -jar target/wxacode-route.jar}.
     *
     * @param environment variables for the JVM itself (such as MALLOC_ARENA_MAX), beside the app's properties
     */
    public static ForkedApp fromJar(Path jar, List<String> jvmOptions, Map<String, String> environment,
                                    Map<String, String> properties, Path log) throws Exception {
        List<String> arguments = new ArrayList<>(jvmOptions);
        arguments.add("-jar");
        arguments.add(jar.toString());
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(environmentOf(properties));
        return start(arguments, env, log);
    }

    private static ForkedApp start(List<String> arguments, Map<String, String> environment, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        Files.createDirectories(log.toAbsolutePath().getParent());
        builder.redirectOutput(log.toFile());
        builder.directory(new File(System.getProperty("user.dir")));
        record(log, "started");
        return new ForkedApp(builder.start(), log);
    }

    private static synchronized void record(Path log, String event) throws IOException {
        String ledger = System.getProperty(LEDGER_PROPERTY);
        if (ledger == null) {
            return;
        }
        Path path = Path.of(ledger);
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (resetLedger) {
            // the first JVM of a build starts the ledger afresh, as it does the token ledger
            Files.deleteIfExists(path);
            resetLedger = false;
        }
        Path relative = Path.of(System.getProperty("user.dir")).toAbsolutePath().relativize(log.toAbsolutePath());
        Files.writeString(path, relative + "\t" + event + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The app's properties as a deployment passes them: wechat.app.id becomes WECHAT_APP_ID. */
    static Map<String, String> environmentOf(Map<String, String> properties) {
        Map<String, String> env = new HashMap<>();
        properties.forEach((key, value) -> env.put(AppSettings.environmentName(key), value));
        return env;
    }

    /** Waits until the readiness probe answers 200. */
    public void awaitReady(String managementUrl, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI ready = URI.create(managementUrl + "/observe/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the forked app exited with " + process.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notListeningYet) {
                // the management port opens late in the start
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the forked app was not ready within " + timeout);
    }

    public long pid() {
        return process.pid();
    }

    /** User plus system CPU time of the app's JVM so far (Linux /proc). */
    public double cpuSeconds() throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // the fields after the command name, which is in parentheses and may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** The high-water mark of the app's resident memory (VmHWM), in MB. */
    public long peakRssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGKILL: no shutdown hook runs, so the lines still in the app's asynchronous log appender
     * (log4j2.xml's Async, up to its buffer) never reach its log.
     */
    public void kill() throws InterruptedException, IOException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        record(log, "killed");
    }

    /** SIGTERM, without waiting: the app stops as {@link #stop} describes, which then waits for its end. */
    public void terminate() {
        process.destroy();
    }

    /**
     * SIGTERM ({@link Process#destroy()} on Linux): the app shuts down the way an orchestrator stops
     * it, and waits for it; killed if it has not ended within 45 s. What the app logged while it
     * served and while it stopped reaches its log (the app stops log4j2, which drains the
     * asynchronous appender, only after Camel has stopped), which the secrets search checks in the
     * log of each app stopped this way: Camel's very last line ("Apache Camel (Main) ... is shutdown") is there.
     *
     * @return the process's exit status: 143 when it ended on the SIGTERM, 137 when it had to be killed
     */
    public int stop() throws InterruptedException, IOException {
        terminate();
        if (!process.waitFor(45, TimeUnit.SECONDS)) {
            kill();
        } else {
            record(log, "stopped " + process.exitValue());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            kill();
        }
    }
}
