package dev.wxacode.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.management.OperatingSystemMXBean;

/** Runs calls of a client with {@code inFlight} callers, timing each call. */
final class LoadDriver {

    @FunctionalInterface
    interface Call {
        /** @return false when the request failed */
        boolean run(int index) throws Exception;
    }

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** {@code requests} calls. */
    static Measured drive(int inFlight, int requests, Call call) throws Exception {
        return drive(inFlight, requests, Long.MAX_VALUE, call);
    }

    /** As many calls as fit into {@code seconds}: for rates that hold over time, such as the quota's. */
    static Measured driveFor(int inFlight, double seconds, Call call) throws Exception {
        return drive(inFlight, Integer.MAX_VALUE, System.nanoTime() + (long) (seconds * 1e9), call);
    }

    private static Measured drive(int inFlight, int requests, long deadline, Call call) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(inFlight);
        long cpuBefore = OS.getProcessCpuTime();
        long started = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < inFlight; c++) {
                running.add(callers.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests && System.nanoTime() < deadline; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        boolean ok;
                        try {
                            ok = call.run(i);
                        } catch (Exception e) {
                            ok = false;
                        }
                        latencies.add(System.nanoTime() - t0);
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
        return new Measured(latencies.stream().mapToLong(Long::longValue).toArray(), failures.get(), seconds, cpu);
    }

    /** @param cpuSeconds of this JVM: the load generator, the infrastructure and (for the raw client) the work itself */
    record Measured(long[] latencies, int failures, double seconds, double cpuSeconds) {

        int requests() {
            return latencies.length;
        }
    }

    private LoadDriver() {
    }
}
