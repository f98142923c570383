package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import dev.wxacode.simulator.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/** How each class of WeChat answer reaches the caller (retries: 2, so 3 attempts in all). */
class WechatErrorsOverHttpTest extends PipelineTestSupport {

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
        assertEquals(1, sim().codeCalls());
        assertEquals(objectsBefore, objectCount(), "an error body is never stored");
    }

    @Test
    void aPageMissingFromThePublishedAppIsRefusedByWechatItself() throws Exception {
        Reply reply = post("{\"scene\":\"a\",\"page\":\"pages/not/published\"}");

        assertEquals(422, reply.status());
        assertEquals(41030, reply.error().path("errcode").asInt());
    }

    @Test
    void systemBusyIsRetriedUntilItPasses() throws Exception {
        sim().failNextCodeCalls(Fault.errcode(-1), Fault.errcode(45009));

        Reply reply = post("{\"scene\":\"busy-then-ok\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(3, sim().codeCalls());
        assertTrue(sim().tokenCalls() <= 1, "a busy answer does not cost a token");
    }

    @Test
    void busyAfterAllRetriesIs503AndRetryable() throws Exception {
        sim().failNextCodeCalls(Fault.errcode(-1), Fault.errcode(-1), Fault.errcode(-1));

        Reply reply = post("{\"scene\":\"always-busy\"}");

        assertEquals(503, reply.status(), reply.body().toString());
        assertEquals("wechat_busy", reply.error().path("code").asText());
        assertEquals(-1, reply.error().path("errcode").asInt());
        assertTrue(reply.error().path("retryable").asBoolean());
        assertEquals(3, sim().codeCalls());
    }

    @Test
    void http5xxIsRetriedThen503WithRetryAfter() throws Exception {
        sim().failNextCodeCalls(Fault.http(502), Fault.http(503), Fault.http(500));

        Reply reply = post("{\"scene\":\"http-5xx\"}");

        assertEquals(503, reply.status(), reply.body().toString());
        assertEquals("5", reply.retryAfter());
        assertEquals("wechat_unavailable", reply.error().path("code").asText());
        assertTrue(reply.error().path("retryable").asBoolean());
        assertEquals(3, sim().codeCalls());
    }

    @Test
    void aStallLongerThanTheResponseTimeoutIsRetried() throws Exception {
        sim().failNextCodeCalls(Fault.stall(Duration.ofSeconds(4)));

        Reply reply = post("{\"scene\":\"stall-once\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(2, sim().codeCalls());
    }

    @Test
    void stallsOnEveryAttemptAre503() throws Exception {
        sim().failNextCodeCalls(Fault.stall(Duration.ofSeconds(3)), Fault.stall(Duration.ofSeconds(3)),
                Fault.stall(Duration.ofSeconds(3)));

        Reply reply = post("{\"scene\":\"stall-always\"}");

        assertEquals(503, reply.status(), reply.body().toString());
        assertEquals("wechat_unavailable", reply.error().path("code").asText());
        assertTrue(reply.error().path("retryable").asBoolean());
    }

    @Test
    void anErrcodeWithoutARuleIsAnOutageNotTheCallersFault() throws Exception {
        sim().failNextCodeCalls(Fault.errcode(99999), Fault.errcode(99999), Fault.errcode(99999));

        Reply reply = post("{\"scene\":\"unknown-errcode\"}");

        assertEquals(503, reply.status());
        assertEquals(99999, reply.error().path("errcode").asInt());
        assertTrue(reply.error().path("retryable").asBoolean());
    }

    private static long objectCount() {
        ListObjectsV2Response list = s3.listObjectsV2(b -> b.bucket(dev.wxacode.local.LocalStack.BUCKET));
        return list.keyCount();
    }
}
