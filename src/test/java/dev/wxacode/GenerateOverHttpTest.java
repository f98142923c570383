package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.CodeContent;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

class GenerateOverHttpTest extends PipelineTestSupport {

    @Test
    void storesACodeThatScansBackToTheSceneAndPage() throws Exception {
        Reply reply = post("{\"requestId\":\"req-1\",\"scene\":\"order=42&u=7\",\"page\":\"pages/order/detail\",\"width\":300}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals("ok", reply.text("status"));
        assertEquals("req-1", reply.text("requestId"));
        assertEquals(LocalStack.BUCKET, reply.text("bucket"));
        assertEquals("s3://" + LocalStack.BUCKET + "/" + reply.text("key"), reply.text("fileId"));
        assertEquals("image/jpeg", reply.text("contentType"));
        assertFalse(reply.body().path("reused").asBoolean(true));
        // the key rule (ObjectKeys' javadoc) applied by hand: SHA-256 of "v1", the app id, scene, page,
        // check_path, env_version, width, auto_color, "r,g,b", is_hyaline, newline-separated, defaults applied
        String canonical = String.join("\n", "v1", LocalStack.APP_ID, "order=42&u=7", "pages/order/detail", "true", "release",
                "300", "false", "0,0,0", "false");
        assertEquals("wxacode/" + sha256(canonical.getBytes(StandardCharsets.UTF_8)), reply.text("key"));
        // the same, as a fixed known answer computed once outside Java (printf '...' | sha256sum)
        assertEquals("wxacode/970812fb21c27fc20c2dcea08f05594534e849dc7393208299db0abbbeee2713", reply.text("key"));

        ResponseBytes<GetObjectResponse> stored = object(reply.text("key"));
        assertEquals("image/jpeg", stored.response().contentType());
        assertEquals(reply.body().path("size").asLong(), stored.asByteArray().length);
        // the digest of the stored bytes by the JDK, not by the code under test
        assertEquals(sha256(stored.asByteArray()), reply.text("sha256"));
        assertEquals(sha256(stored.asByteArray()), stored.response().metadata().get("sha256"));
        assertEquals("order=42&u=7", stored.response().metadata().get("scene"));
        assertEquals("pages/order/detail", stored.response().metadata().get("page"));
        assertEquals("release", stored.response().metadata().get("env-version"));
        assertEquals(new CodeContent("pages/order/detail", "order=42&u=7"), decode(stored.asByteArray()));
        assertEquals(1, sim().codeCalls());
    }

    @Test
    void transparentCodesAreStoredAsPngThoughWechatLabelsThemJpeg() throws Exception {
        Reply reply = post("{\"scene\":\"shop=9\",\"isHyaline\":true,\"lineColor\":{\"r\":0,\"g\":0,\"b\":160}}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals("image/png", reply.text("contentType"));
        ResponseBytes<GetObjectResponse> stored = object(reply.text("key"));
        assertEquals("image/png", stored.response().contentType());
        byte[] bytes = stored.asByteArray();
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
        assertEquals("shop=9", decode(bytes).scene());
    }

    @Test
    void theSameRequestTwiceCallsWechatOnceAndIsReused() throws Exception {
        Reply first = post("{\"requestId\":\"a\",\"scene\":\"user=1001\",\"page\":\"pages/index/index\",\"env_version\":\"release\"}");
        // the same code asked for in camelCase, with WeChat's default width spelled out and another request id
        Reply second = post("{\"requestId\":\"b\",\"scene\":\"user=1001\",\"page\":\"pages/index/index\",\"envVersion\":\"release\",\"width\":430}");

        assertEquals(200, second.status(), second.body().toString());
        assertEquals(first.text("fileId"), second.text("fileId"));
        assertEquals(first.text("sha256"), second.text("sha256"));
        assertEquals(first.body().path("size").asLong(), second.body().path("size").asLong());
        assertFalse(first.body().path("reused").asBoolean());
        assertTrue(second.body().path("reused").asBoolean());
        assertEquals("b", second.text("requestId"));
        assertEquals(1, sim().codeCalls());
    }

    @Test
    void aRepeatedRequestIsAnsweredFromMemoryWithoutAskingS3Again() throws Exception {
        Reply first = post("{\"scene\":\"remembered=1\"}");
        stack.s3().stopServing();
        Reply second;
        try {
            second = post("{\"scene\":\"remembered=1\"}");
        } finally {
            stack.s3().resumeServing();
        }

        assertEquals(200, second.status(), "S3 was not asked: " + second.body());
        assertTrue(second.body().path("reused").asBoolean());
        assertEquals(first.text("fileId"), second.text("fileId"));
        assertEquals(first.text("sha256"), second.text("sha256"));
        assertEquals(first.body().path("size").asLong(), second.body().path("size").asLong());
        assertEquals(1, sim().codeCalls());
    }

    @Test
    void anObjectDeletedBehindTheServicesBackIsMadeAgainOnceTheMemoryOfItLapses() throws Exception {
        try {
            restartAppWith("wxacode.known-objects.lifetime-seconds", "1");
            Reply first = post("{\"scene\":\"deleted=1\"}");
            s3.deleteObject(b -> b.bucket(LocalStack.BUCKET).key(first.text("key")));
            Thread.sleep(1100);
            Reply again = post("{\"scene\":\"deleted=1\"}");

            assertEquals(200, again.status(), again.body().toString());
            assertFalse(again.body().path("reused").asBoolean(true), "S3 was asked and had no object");
            assertEquals(2, sim().codeCalls());
            assertEquals(first.text("key"), again.text("key"));
            assertTrue(object(again.text("key")).asByteArray().length > 0, "the object is back");
        } finally {
            restartAppWith("wxacode.known-objects.lifetime-seconds", "300");
        }
    }

    @Test
    void aDifferentParameterIsADifferentObject() throws Exception {
        Reply narrow = post("{\"scene\":\"user=2002\",\"width\":280}");
        Reply wide = post("{\"scene\":\"user=2002\",\"width\":1280}");

        assertNotEquals(narrow.text("key"), wide.text("key"));
        assertTrue(object(wide.text("key")).asByteArray().length > 0);
        assertEquals(2, sim().codeCalls());
    }

    @Test
    void reuseCanBeSwitchedOff() throws Exception {
        try {
            restartAppWith("wxacode.reuse-existing", "false");
            Reply first = post("{\"scene\":\"noreuse=1\"}");
            // each sent once the one before is answered: none may join the one before, whose
            // exchange can still be completing after its reply went out
            for (int i = 2; i <= 10; i++) {
                Reply again = post("{\"scene\":\"noreuse=1\"}");

                assertEquals(200, again.status());
                assertFalse(again.body().path("reused").asBoolean(true), "request " + i + ": " + again.body());
                // same key: the object is overwritten, never duplicated
                assertEquals(first.text("key"), again.text("key"));
            }
            assertEquals(10, sim().codeCalls());
        } finally {
            restartAppWith("wxacode.reuse-existing", "true");
        }
    }

    @Test
    void aStorageOutageIs503AndPassesWhenStorageIsBack() throws Exception {
        stack.s3().stopServing();
        Reply during;
        try {
            during = post("{\"scene\":\"s3-outage\"}");
        } finally {
            stack.s3().resumeServing();
        }

        assertEquals(503, during.status(), during.body().toString());
        assertEquals("storage_unavailable", during.error().path("code").asText());
        assertTrue(during.error().path("retryable").asBoolean());
        assertEquals(0, sim().codeCalls(), "the reuse check failed first: no quota spent on a code that could not be stored");

        Reply after = post("{\"scene\":\"s3-outage\"}");
        assertEquals(200, after.status(), after.body().toString());
        assertTrue(object(after.text("key")).asByteArray().length > 0);
    }

    @Test
    void aRequestWithoutIdGetsOne() throws Exception {
        Reply reply = post("{\"scene\":\"anon=1\"}");

        assertEquals(200, reply.status());
        assertTrue(reply.text("requestId").matches("[0-9a-f-]{36}"), reply.text("requestId"));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
