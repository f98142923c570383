package dev.wxacode.bench;

import java.util.Arrays;

/**
 * What one scenario measured. CPU is counted per JVM: the app's own (forked, as deployed) and
 * the benchmark's (load generator, simulator, S3 server, broker and, for the raw client, its work).
 */
record LoadResult(String scenario, String client, int inFlight, int latencyMs, int requests, int failures,
                  double seconds, long[] latenciesNanos, double appCpuSeconds, double benchCpuSeconds,
                  int tokenCalls, int codeCalls) {

    double throughput() {
        return requests / seconds;
    }

    double percentileMs(double p) {
        if (latenciesNanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = latenciesNanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }

    double appCpuMsPerRequest() {
        return appCpuSeconds * 1000.0 / requests;
    }

    double totalCpuMsPerRequest() {
        return (appCpuSeconds + benchCpuSeconds) * 1000.0 / requests;
    }
}
