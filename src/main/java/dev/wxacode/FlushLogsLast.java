package dev.wxacode;

import java.time.Duration;
import java.time.Instant;
import org.apache.logging.log4j.LogManager;

/**
 * The JVM shutdown hook that stops log4j2, once the app has stopped. On SIGTERM the JVM ends as
 * soon as its shutdown hooks have returned. Camel's returns once the context is stopped, while the
 * main thread may still be logging and log4j2's asynchronous appender (a daemon thread) may still
 * hold lines: a stopped pod lost its last lines now and then, the ones that say what became of the
 * exchanges in flight. log4j2's own hook, which would stop it beside Camel's, is off in log4j2.xml.
 *
 * <p>It waits for the thread that runs Camel Main (which returns once the context has stopped) and
 * then for Camel's hook, which logs the very last line; each wait is bounded, so that a context
 * that never stops cannot keep the JVM from ending.
 */
final class FlushLogsLast extends Thread {

    /** Camel Main's hook gives the context its shutdown timeout (45 s) and 15 s more; this is a little beyond both. */
    static final Duration PATIENCE = Duration.ofSeconds(70);

    private static final String CAMEL_HOOK = "CamelHangupInterceptor";

    private final Thread app;

    private FlushLogsLast(Thread app) {
        super("flush-logs-last");
        this.app = app;
    }

    /** Installs the hook for the app the calling thread is about to run. */
    static void installFor(Thread app) {
        Runtime.getRuntime().addShutdownHook(new FlushLogsLast(app));
    }

    @Override
    public void run() {
        Instant deadline = Instant.now().plus(PATIENCE);
        try {
            joinUntil(app, deadline);
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().endsWith(CAMEL_HOOK)) {
                    joinUntil(thread, deadline);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LogManager.shutdown();
    }

    private static void joinUntil(Thread thread, Instant deadline) throws InterruptedException {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left > 0) {
            thread.join(left);
        }
    }
}
