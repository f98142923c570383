package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import dev.wxacode.simulator.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * How each class of WeChat answer reaches the caller. The error policy (routes/errors/http-errors.camel.yaml,
 * onException "http-transient") redelivers a transient failure retry.max-redeliveries times, so it makes
 * 1 + that many attempts, each one code call; a permanent one is answered after its one call.
 * Every retryable error reply tells the caller when to come back (Retry-After), no other does.
 */
class WechatErrorsOverHttpTest extends PipelineTestSupport {

    /** The redeliveries the tests run with (PipelineTestSupport.testProperties), plus the first attempt. */
    private static final int ATTEMPTS = 1 + Integer.parseInt(testProperties().get("retry.max-redeliveries"));
    /** http.retry-after-seconds, the service's default. */
    private static final String RETRY_AFTER = "5";
    private static final String HTTP_RETRIES = "wxacode_retries_total{ingress=\"http\"}";

    @ParameterizedTest(name = "errcode {0}")
    @ValueSource(ints = {40097, 40129, 40169, 41030, 47001, 85096})
    void permanentErrorsAre422WithWechatsErrcodeAndAreNotRetried(int errcode) throws Exception {
        long objectsBefore = objectCount();
        sim().failNextCodeCalls(Fault.errcode(errcode));

        Reply reply = post("{\"scene\":\"perm-" + errcode + "\"}");

        assertEquals(422, reply.status(), reply.body().toString());
        assertEquals("wechat_rejected", reply.error().path("code").asText());
        assertEquals(errcode, reply.error().path("errcode").asInt());
        assertTrue(reply.error().path("message").asText().contains("rid:"), "WeChat's errmsg is passed on");
        assertFalse(reply.error().path("retryable").asBoolean(true));
        assertNull(reply.retryAfter(), "coming back later cannot help a refused request");
        assertEquals(1, sim().codeCalls(), "one attempt, not retried");
        assertEquals(objectsBefore, objectCount(), "an error body is never stored");
    }

    @Test
    void aPageMissingFromThePublishedAppIsRefusedByWechatItself() throws Exception {
        Reply reply = post("{\"scene\":\"a\",\"page\":\"pages/not/published\"}");

        assertEquals(422, reply.status());
        assertEquals(41030, reply.error().path("errcode").asInt());
        assertNull(reply.retryAfter());
        assertEquals(1, sim().codeCalls(), "one attempt, not retried");
    }

    @Test
    void systemBusyIsRetriedUntilItPasses() throws Exception {
        sim().failNextCodeCalls(Fault.errcode(-1), Fault.errcode(45009));

        Reply reply = post("{\"scene\":\"busy-then-ok\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(3, sim().codeCalls(), "two busy answers, then the code");
        assertNull(reply.retryAfter());
        assertTrue(sim().tokenCalls() <= 1, "a busy answer does not cost a token");
    }

    @Test
    void busyAfterAllRetriesIs503AndRetryable() throws Exception {
        // one more fault than attempts: a retry too many would meet it and still fail, and show in the count
        sim().failNextCodeCalls(faults(ATTEMPTS + 1, Fault.errcode(-1)));
        double retriesBefore = retries();

        Reply reply = post("{\"scene\":\"always-busy\"}");

        assertEquals(503, reply.status(), reply.body().toString());
        assertEquals("wechat_busy", reply.error().path("code").asText());
        assertEquals(-1, reply.error().path("errcode").asInt());
        assertTrue(reply.error().path("retryable").asBoolean());
        assertEquals(RETRY_AFTER, reply.retryAfter(), "a retryable error says when to come back");
        assertEquals(ATTEMPTS, sim().codeCalls(), "1 + retry.max-redeliveries attempts");
        assertEquals(ATTEMPTS - 1, retries() - retriesBefore, "redeliveries counted in " + HTTP_RETRIES);
    }

    @Test
    void http5xxIsRetriedThen503WithRetryAfter() throws Exception {
        sim().failNextCodeCalls(Fault.http(502), Fault.http(503), Fault.http(500), Fault.http(502));
        double retriesBefore = retries();

        Reply reply = post("{\"scene\":\"http-5xx\"}");

        assertEquals(503, reply.status(), reply.body().toString());
        assertEquals(RETRY_AFTER, reply.retryAfter());
        assertEquals("wechat_unavailable", reply.error().path("code").asText());
        assertTrue(reply.error().path("retryable").asBoolean());
        assertEquals(ATTEMPTS, sim().codeCalls(), "1 + retry.max-redeliveries attempts");
        assertEquals(ATTEMPTS - 1, retries() - retriesBefore, "redeliveries counted in " + HTTP_RETRIES);
    }

    @Test
    void aStallLongerThanTheResponseTimeoutIsRetried() throws Exception {
        sim().failNextCodeCalls(Fault.stall(Duration.ofSeconds(4)));

        Reply reply = post("{\"scene\":\"stall-once\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(2, sim().codeCalls(), "the stalled call, then the code");
    }

    @Test
    void stallsOnEveryAttemptAre503() throws Exception {
        sim().failNextCodeCalls(faults(ATTEMPTS + 1, Fault.stall(Duration.ofSeconds(3))));
        double retriesBefore = retries();

        Reply reply = post("{\"scene\":\"stall-always\"}");

        assertEquals(503, reply.status(), reply.body().toString());
        assertEquals("wechat_unavailable", reply.error().path("code").asText());
        assertTrue(reply.error().path("retryable").asBoolean());
        assertEquals(RETRY_AFTER, reply.retryAfter(), "a retryable error says when to come back");
        // each stall reaches the simulator before it is held, so the count is complete when the reply is in
        assertEquals(ATTEMPTS, sim().codeCalls(), "1 + retry.max-redeliveries attempts");
        assertEquals(ATTEMPTS - 1, retries() - retriesBefore, "redeliveries counted in " + HTTP_RETRIES);
    }

    @Test
    void anErrcodeWithoutARuleIsAnOutageNotTheCallersFault() throws Exception {
        sim().failNextCodeCalls(faults(ATTEMPTS + 1, Fault.errcode(99999)));
        double retriesBefore = retries();

        Reply reply = post("{\"scene\":\"unknown-errcode\"}");

        assertEquals(503, reply.status());
        assertEquals(99999, reply.error().path("errcode").asInt());
        assertTrue(reply.error().path("retryable").asBoolean());
        assertEquals(RETRY_AFTER, reply.retryAfter(), "a retryable error says when to come back");
        assertEquals(ATTEMPTS, sim().codeCalls(), "1 + retry.max-redeliveries attempts");
        assertEquals(ATTEMPTS - 1, retries() - retriesBefore, "redeliveries counted in " + HTTP_RETRIES);
    }

    private static Fault[] faults(int n, Fault fault) {
        Fault[] all = new Fault[n];
        java.util.Arrays.fill(all, fault);
        return all;
    }

    /** Redeliveries of HTTP requests so far, as /observe/metrics counts them (absent before the first). */
    private static double retries() throws Exception {
        return metricSamples().getOrDefault(HTTP_RETRIES, 0.0);
    }

    private static long objectCount() {
        ListObjectsV2Response list = s3.listObjectsV2(b -> b.bucket(dev.wxacode.local.LocalStack.BUCKET));
        return list.keyCount();
    }
}
