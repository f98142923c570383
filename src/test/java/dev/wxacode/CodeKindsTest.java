package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.CodeContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The two limited kinds beside getUnlimited: type limited (getwxacode) and qrcode
 * (createwxaqrcode), each stored as a code a phone can scan, each refusing its invalid paths before
 * WeChat sees them, and both watched against WeChat's lifetime cap through the Num-Used header.
 */
class CodeKindsTest extends PipelineTestSupport {

    @AfterEach
    void forgetTheCount() {
        sim().numUsed(LocalStack.APP_ID, 0);
    }

    @Test
    void aLimitedCodeOpensItsPathWithTheQueryAndReportsNumUsed() throws Exception {
        String path = "pages/shop/detail?id=9&from=poster";
        Reply reply = post("{\"type\":\"limited\",\"path\":\"" + path + "\",\"width\":300}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(1, sim().limitedCodeCalls());
        assertEquals(sim().numUsed(LocalStack.APP_ID), reply.body().path("numUsed").asInt());
        ResponseBytes<GetObjectResponse> stored = object(reply.text("key"));
        assertEquals(path, decode(stored.asByteArray()).page());
        assertEquals("limited", stored.response().metadata().get("type"));
        assertEquals(path, stored.response().metadata().get("path"));
    }

    @Test
    void aRepeatedLimitedCodeIsAnsweredFromStorageAndSpendsNothingOfTheCap() throws Exception {
        String body = "{\"type\":\"limited\",\"path\":\"pages/index/index?campaign=7\"}";
        Reply first = post(body);
        int used = sim().numUsed(LocalStack.APP_ID);

        Reply again = post(body);

        assertEquals(first.text("key"), again.text("key"));
        assertTrue(again.body().path("reused").asBoolean());
        assertTrue(again.body().path("numUsed").isMissingNode(), "WeChat was not asked, so there is no new count");
        assertEquals(1, sim().limitedCodeCalls());
        assertEquals(used, sim().numUsed(LocalStack.APP_ID));
    }

    @Test
    void aQrcodeIsASquareCodeOfItsPathUpTo128Characters() throws Exception {
        String path = "pages/order/detail?id=" + "7".repeat(128 - "pages/order/detail?id=".length());
        Reply reply = post("{\"type\":\"qrcode\",\"path\":\"" + path + "\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(1, sim().qrcodeCalls());
        ResponseBytes<GetObjectResponse> stored = object(reply.text("key"));
        assertEquals(new CodeContent(path, null), decode(stored.asByteArray()));
        assertEquals("image/jpeg", stored.response().contentType());
        assertEquals(reply.body().path("numUsed").asInt(), sim().numUsed(LocalStack.APP_ID));
    }

    @Test
    void pathsTooLongForTheirKindAreRefusedBeforeWechatIsAsked() throws Exception {
        Reply qrcode = post("{\"type\":\"qrcode\",\"path\":\"" + "p".repeat(129) + "\"}");
        Reply limited = post("{\"type\":\"limited\",\"path\":\"" + "p".repeat(1025) + "\"}");
        Reply missing = post("{\"type\":\"limited\",\"scene\":\"a=1\"}");

        for (Reply reply : new Reply[] {qrcode, limited}) {
            assertEquals(400, reply.status(), reply.body().toString());
            assertEquals("path", reply.error().path("violations").get(0).path("field").asText());
        }
        assertTrue(qrcode.error().toString().contains("1 to 128 characters for type qrcode"), qrcode.body().toString());
        assertTrue(limited.error().toString().contains("1 to 1024 characters for type limited"), limited.body().toString());
        assertEquals(2, missing.error().path("violations").size(), missing.body().toString());
        assertEquals(0, sim().codeCalls());
    }

    @Test
    void nearTheCapTheLogWarnsTheMetricShowsTheCountAndAtTheCapWechatsRefusalIsPermanent() throws Exception {
        sim().numUsed(LocalStack.APP_ID, 99_999);

        Reply last = post("{\"type\":\"limited\",\"path\":\"pages/index/index?last=1\"}");
        Reply over = post("{\"type\":\"qrcode\",\"path\":\"pages/index/index?over=1\"}");

        assertEquals(200, last.status(), last.body().toString());
        assertEquals(100_000, last.body().path("numUsed").asInt());
        String metrics = management("/observe/metrics").body();
        assertTrue(metrics.contains("wxacode_limited_codes_used{app=\"default\"} 100000.0"), "the gauge holds WeChat's count");
        assertTrue(testLog().contains("App default has used 100000 of WeChat's 100000 limited codes"), "a warning in the log");

        assertEquals(422, over.status(), over.body().toString());
        assertEquals("wechat_rejected", over.error().path("code").asText());
        assertEquals(45029, over.error().path("errcode").asInt());
        assertFalse(over.error().path("retryable").asBoolean());
        assertEquals(1, sim().qrcodeCalls(), "refused once, not retried");
    }

    private static String testLog() throws Exception {
        return Files.readString(Path.of(System.getProperty("wxacode.test-log", "target/test-logs/tests.log")), StandardCharsets.UTF_8);
    }
}
