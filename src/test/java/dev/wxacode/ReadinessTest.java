package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.Test;

/** Configuration faults and a lost bucket show as "not ready", saying what to fix; no key needed to ask. */
class ReadinessTest extends PipelineTestSupport {

    @Test
    void readyWhenATokenCanBeHadAndTheBucketAnswers() throws Exception {
        HttpResponse<String> ready = management("/observe/health/ready");

        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("UP", healthCheck(ready, "wechat-token").path("status").asText());
        assertEquals("UP", healthCheck(ready, "s3-bucket").path("status").asText());
        assertEquals(200, management("/observe/health/live").statusCode());
    }

    @Test
    void aWrongSecretMakesItNotReadyNamingTheSettingAndStopsTheHammering() throws Exception {
        try {
            restartAppWith("wechat.app.secret", "not-the-secret");
            sim().reset();

            HttpResponse<String> ready = management("/observe/health/ready");
            for (int i = 0; i < 5; i++) {
                assertEquals(500, post("{\"scene\":\"hold-" + i + "\"}").status());
            }

            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode token = healthCheck(ready, "wechat-token");
            assertEquals("DOWN", token.path("status").asText());
            assertTrue(token.path("message").asText().contains("wechat.app.secret"), token.toString());
            assertEquals(1, sim().tokenCalls(), "one refusal is enough: the next ones come from the cache for 30 s");
        } finally {
            restartAppWith("wechat.app.secret", LocalStack.APP_SECRET);
        }
    }

    @Test
    void aMissingBucketMakesItNotReadyNamingTheSettingRatherThanCrashing() throws Exception {
        try {
            restartAppWith("s3.bucket", "no-such-bucket");

            HttpResponse<String> ready = management("/observe/health/ready");
            Reply reply = post("{\"scene\":\"no-bucket\"}");

            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode bucket = healthCheck(ready, "s3-bucket");
            assertTrue(bucket.path("message").asText().contains("check s3.bucket"), bucket.toString());
            assertEquals(503, reply.status(), reply.body().toString());
            assertEquals("storage_unavailable", reply.error().path("code").asText());
            assertTrue(reply.error().path("message").asText().contains("check s3.bucket"), reply.body().toString());
            assertEquals(0, sim().codeCalls(), "nothing generated that could not be stored");
        } finally {
            restartAppWith("s3.bucket", LocalStack.BUCKET);
        }
    }

    @Test
    void aStorageOutageMakesItNotReadyUntilStorageIsBack() throws Exception {
        stack.s3().stopServing();
        HttpResponse<String> during;
        try {
            during = management("/observe/health/ready");
        } finally {
            stack.s3().resumeServing();
        }

        assertEquals(503, during.statusCode(), during.body());
        JsonNode bucket = healthCheck(during, "s3-bucket");
        assertEquals("DOWN", bucket.path("status").asText());
        assertTrue(bucket.path("message").asText().contains("s3.endpoint"), bucket.toString());
        assertEquals(200, management("/observe/health/ready").statusCode());
    }

    @Test
    void credentialsThatMayReadButNotWriteMakeItNotReadyNamingTheSetting() throws Exception {
        stack.stopApp();
        stack.s3().serveReadOnly();
        HttpResponse<String> during;
        Reply whileReadOnly;
        try {
            stack.startApp();
            during = management("/observe/health/ready");
            whileReadOnly = post("{\"scene\":\"read-only-bucket\"}");
        } finally {
            stack.s3().resumeServing();
        }

        assertEquals(503, during.statusCode(), during.body());
        JsonNode bucket = healthCheck(during, "s3-bucket");
        assertEquals("DOWN", bucket.path("status").asText());
        assertTrue(bucket.path("message").asText().contains("not write") && bucket.path("message").asText().contains("s3.access-key"),
                bucket.toString());
        assertEquals(503, whileReadOnly.status(), whileReadOnly.body().toString());
        assertEquals("storage_unavailable", whileReadOnly.error().path("code").asText());
        assertEquals(200, management("/observe/health/ready").statusCode(), "a failed write is not trusted: asked again");
        assertEquals(200, post("{\"scene\":\"read-only-bucket\"}").status());
    }

    @Test
    void itStartsWhileStorageIsUnreachableAndServesOnceStorageIsBack() throws Exception {
        stack.stopApp();
        stack.s3().stopServing();
        HttpResponse<String> during;
        Reply whileDown;
        try {
            stack.startApp();
            during = management("/observe/health/ready");
            whileDown = post("{\"scene\":\"started-without-s3\"}");
        } finally {
            stack.s3().resumeServing();
        }

        assertEquals(503, during.statusCode(), during.body());
        assertEquals("DOWN", healthCheck(during, "s3-bucket").path("status").asText());
        assertEquals(503, whileDown.status(), whileDown.body().toString());
        assertEquals("storage_unavailable", whileDown.error().path("code").asText());
        assertEquals(200, management("/observe/health/ready").statusCode());
        Reply after = post("{\"scene\":\"started-without-s3\"}");
        assertEquals(200, after.status(), after.body().toString());
        assertTrue(object(after.text("key")).asByteArray().length > 0);
    }

    @Test
    void aSecretResetInTheConsoleMakesItNotReadyAndFixingItMakesItReadyAgain() throws Exception {
        try {
            restartAppWith("wechat.token.configuration-error-hold-seconds", "1");
            assertEquals(200, post("{\"scene\":\"before-reset\"}").status());

            sim().resetSecret(LocalStack.APP_ID, "secret-after-the-reset");
            // the service learns of it at the next call: 40001, then 40125 for a new token
            Reply refused = post("{\"scene\":\"after-reset\"}");
            HttpResponse<String> down = management("/observe/health/ready");

            assertEquals(500, refused.status(), refused.body().toString());
            assertEquals("token_configuration", refused.error().path("code").asText());
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(healthCheck(down, "wechat-token").path("message").asText().contains("wechat.app.secret"), down.body());

            // whoever reset it puts the secret the service has back (or deploys the new one)
            sim().resetSecret(LocalStack.APP_ID, LocalStack.APP_SECRET);
            HttpResponse<String> up = down;
            for (int i = 0; i < 50 && up.statusCode() != 200; i++) {
                Thread.sleep(100);
                up = management("/observe/health/ready");
            }
            assertEquals(200, up.statusCode(), "ready again once WeChat issues a token: " + up.body());
            assertEquals(200, post("{\"scene\":\"after-fix\"}").status());
        } finally {
            sim().resetSecret(LocalStack.APP_ID, LocalStack.APP_SECRET);
            restartAppWith("wechat.token.configuration-error-hold-seconds", "30");
        }
    }
}
