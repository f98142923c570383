package dev.wxacode.bench;

import java.util.Arrays;

/** What one scenario measured. CPU is the whole JVM's (service, simulator, S3, broker and load alike). */
record LoadResult(String scenario, String client, int inFlight, int latencyMs, int requests, int failures,
                  double seconds, long[] latenciesNanos, double cpuSeconds, int tokenCalls, int codeCalls) {

    double throughput() {
        return requests / seconds;
    }

    double percentileMs(double p) {
        long[] sorted = latenciesNanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }

    double cpuSecondsPer1000() {
        return cpuSeconds * 1000.0 / requests;
    }
}
