package dev.wxacode.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.management.OperatingSystemMXBean;

/** Runs {@code requests} calls of a client with {@code inFlight} callers, timing each call. */
final class LoadDriver {

    @FunctionalInterface
    interface Call {
        /** @return false when the request failed */
        boolean run(int index) throws Exception;
    }

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static Measured drive(int inFlight, int requests, Call call) throws Exception {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(inFlight);
        long cpuBefore = OS.getProcessCpuTime();
        long started = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < inFlight; c++) {
                running.add(callers.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        boolean ok;
                        try {
                            ok = call.run(i);
                        } catch (Exception e) {
                            ok = false;
                        }
                        latencies[i] = System.nanoTime() - t0;
                        if (!ok) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpu = (OS.getProcessCpuTime() - cpuBefore) / 1e9;
        return new Measured(latencies, failures.get(), seconds, cpu);
    }

    record Measured(long[] latencies, int failures, double seconds, double cpuSeconds) {
    }

    private LoadDriver() {
    }
}
