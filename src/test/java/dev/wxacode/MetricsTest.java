package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wxacode.local.LocalS3;
import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.Fault;
import org.junit.jupiter.api.Test;

/** /observe/metrics, scraped as Prometheus would, counts what the requests did. */
class MetricsTest extends PipelineTestSupport {

    private static final String OK_STORED = "wxacode_requests_total{ingress=\"http\",outcome=\"ok\",reused=\"false\"}";
    private static final String OK_REUSED = "wxacode_requests_total{ingress=\"http\",outcome=\"ok\",reused=\"true\"}";

    @Test
    void requestsWechatCallsAndRetriesAreCountedByOutcome() throws Exception {
        Map<String, Double> before = metricSamples();

        assertEquals(200, post("{\"scene\":\"metrics=1\"}").status());
        assertEquals(200, post("{\"scene\":\"metrics=2\"}").status());
        assertEquals(200, post("{\"scene\":\"metrics=1\"}").status());
        assertEquals(400, post("{\"scene\":\"\"}").status());
        sim().failNextCodeCalls(Fault.errcode(41030));
        assertEquals(422, post("{\"scene\":\"metrics=3\"}").status());
        sim().failNextCodeCalls(Fault.http(503));
        assertEquals(200, post("{\"scene\":\"metrics=4\"}").status());

        // a request is counted, and the gauge drops, when its exchange completes, which may be a moment
        // after its answer reached the client: the counts are read once none is in flight
        String inFlight = "wxacode_requests_in_flight{ingress=\"http\"}";
        Map<String, Double> after = metricSamples();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (after.get(inFlight) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = metricSamples();
        }
        assertEquals(0, after.get(inFlight));
        assertEquals(3, delta(before, after, OK_STORED));
        assertEquals(1, delta(before, after, OK_REUSED));
        assertEquals(1, delta(before, after, "wxacode_requests_total{ingress=\"http\",outcome=\"invalid_request\",reused=\"false\"}"));
        assertEquals(1, delta(before, after, "wxacode_requests_total{ingress=\"http\",outcome=\"wechat_rejected\",reused=\"false\"}"));
        assertEquals(3, delta(before, after, "wxacode_wechat_calls_total{api=\"getwxacodeunlimit\",app=\"default\",errcode=\"0\"}"));
        assertEquals(1, delta(before, after, "wxacode_wechat_calls_total{api=\"getwxacodeunlimit\",app=\"default\",errcode=\"41030\"}"));
        assertEquals(1, delta(before, after, "wxacode_wechat_calls_total{api=\"getwxacodeunlimit\",app=\"default\",errcode=\"http_503\"}"));
        assertEquals(1, delta(before, after, "wxacode_retries_total{ingress=\"http\"}"));
        assertEquals(6, delta(before, after, "wxacode_request_duration_seconds_count{ingress=\"http\"}"));
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "the JVM's metrics too");
        assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("camel_exchanges_total")), "and Camel's routes'");
    }

    @Test
    void tokenFetchesAreCountedOncePerFetch() throws Exception {
        restartAppWith("wechat.token.endpoint", "stable");
        sim().reset();
        Map<String, Double> before = metricSamples();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, post("{\"scene\":\"metrics-token=" + i + "\"}").status());
        }

        Map<String, Double> after = metricSamples();
        assertEquals(sim().tokenCalls(), after.get("wxacode_token_fetches_total{app=\"default\",outcome=\"ok\"}")
                - before.getOrDefault("wxacode_token_fetches_total{app=\"default\",outcome=\"ok\"}", 0.0), 0.0);
        assertEquals(1.0, after.get("wxacode_token_fetches_total{app=\"default\",outcome=\"ok\"}"), "one fetch since the start, for all requests");
    }

    @Test
    void noSecretIsInTheMetrics() throws Exception {
        post("{\"scene\":\"metrics-secret\"}");
        String text = management("/observe/metrics").body();

        assertTrue(text.contains("wxacode_requests_total"), text.substring(0, Math.min(300, text.length())));
        for (String secret : new String[] {LocalStack.APP_SECRET, LocalStack.TEST_API_KEY, LocalS3.SECRET_KEY}) {
            assertTrue(!text.contains(secret), "a secret in the metrics");
        }
        for (String token : sim().issuedTokens()) {
            assertTrue(!text.contains(token), "a token in the metrics");
        }
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        assertTrue(after.containsKey(sample), sample + " is not in the metrics: " + after.keySet().stream()
                .filter(k -> k.startsWith(sample.substring(0, sample.indexOf('{')))).toList());
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }
}
