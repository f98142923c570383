package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM stopped with SIGTERM keeps every line its app logged while it stopped. The JVM ends as soon
 * as its shutdown hooks have returned; Camel's returns once the context is stopped, while the main
 * thread may still be logging and log4j2's asynchronous appender still holds lines. The app here is
 * shaped like Camel Main (a hook that tells the main thread to stop, then logs a last line) and runs
 * with the production log4j2.xml in a JVM of its own.
 */
class FlushLogsLastTest {

    private static final int STOPPING_LINES = 20_000;

    @TempDir
    Path dir;

    @Test
    void everyLineLoggedWhileStoppingReachesTheLog() throws Exception {
        String log = runAndTerminate(true);
        assertEquals(STOPPING_LINES, count(log, "stopping line "), "every line the main thread logged after the SIGTERM");
        assertTrue(log.contains("main's last line") && log.contains("hook's last line"), log.substring(Math.max(0, log.length() - 300)));
    }

    /** The hazard the hook removes, shown on the same app: without it the JVM ends with the lines unwritten. */
    @Test
    void withoutItTheJvmEndsBeforeTheLinesAreWritten() throws Exception {
        String log = runAndTerminate(false);
        assertFalse(log.contains("main's last line"), "the JVM ended before the main thread's last line was written");
        assertTrue(count(log, "stopping line ") < STOPPING_LINES, "lines were lost");
    }

    private String runAndTerminate(boolean flushLogsLast) throws Exception {
        Path out = dir.resolve("stopping-app.log");
        Process app = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                // the production logging setup: asynchronous appender, log4j2's own hook off
                "-Dlog4j2.configurationFile=log4j2.xml",
                StoppingApp.class.getName(), Boolean.toString(flushLogsLast)))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out, StandardCharsets.UTF_8).contains("started")) {
                assertTrue(app.isAlive() && System.nanoTime() < deadline, "the app started: " + Files.readString(out, StandardCharsets.UTF_8));
                Thread.sleep(20);
            }
            app.destroy();
            assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the app ended on SIGTERM");
            assertEquals(143, app.exitValue(), "ended by the SIGTERM, after its shutdown hooks");
        } finally {
            app.destroyForcibly();
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static long count(String log, String part) {
        return log.lines().filter(line -> line.contains(part)).count();
    }

    /** Camel Main's shape: on SIGTERM a hook tells the main thread to stop, waits briefly and logs a last line. */
    static final class StoppingApp {

        public static void main(String[] args) throws InterruptedException {
            if (Boolean.parseBoolean(args[0])) {
                FlushLogsLast.installFor(Thread.currentThread());
            }
            Logger log = LoggerFactory.getLogger("stopping-app");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.info("hook's last line");
            }, "Camel Thread #1 - CamelHangupInterceptor"));
            log.info("started");
            stop.await();
            for (int i = 0; i < STOPPING_LINES; i++) {
                log.info("stopping line {}", i);
            }
            log.info("main's last line");
        }
    }
}
