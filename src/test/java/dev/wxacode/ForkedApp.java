package dev.wxacode;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service in a JVM of its own, configured only through environment variables as in a
 * deployment, so that a test can kill it the hard way (SIGKILL: no shutdown hook, no drain, no
 * final commit).
 */
final class ForkedApp implements AutoCloseable {

    private final Process process;

    private ForkedApp(Process process) {
        this.process = process;
    }

    static ForkedApp start(Map<String, String> environment, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java,
                "-cp", System.getProperty("java.class.path"),
                // the production logging setup, not the tests' (which would truncate the tests' log file)
                "-Dlog4j2.configurationFile=log4j2.xml",
                "dev.wxacode.Application");
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        builder.directory(new File(System.getProperty("user.dir")));
        return new ForkedApp(builder.start());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
