package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessTokenOverHttpTest extends PipelineTestSupport {

    @AfterEach
    void backToTheRightSettings() throws Exception {
        stack.stopApp();
        stack.with("wechat.app.id", LocalStack.APP_ID)
                .with("wechat.app.secret", LocalStack.APP_SECRET)
                .with("wechat.token.endpoint", "stable")
                .with("wechat.response-timeout-ms", testProperties().get("wechat.response-timeout-ms"));
        stack.startApp();
    }

    @Test
    void fiftyConcurrentRequestsOnAColdCacheFetchOneToken() throws Exception {
        // 50 codes drawn at once by a cold simulator on 2 cores can outlast the suite's 1.5 s read
        // timeout, and a call timed out and retried counts twice: this test is about the token
        stack.with("wechat.response-timeout-ms", "10000");
        restartAppWith("wechat.token.endpoint", "stable");
        // a slow WeChat keeps the cold-cache window wide open
        sim().latency(Duration.ofMillis(300));
        ExecutorService callers = Executors.newFixedThreadPool(50);
        try {
            List<Callable<Reply>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String scene = "cold=" + i;
                calls.add(() -> post("{\"scene\":\"" + scene + "\"}"));
            }
            List<Future<Reply>> replies = callers.invokeAll(calls);
            for (Future<Reply> reply : replies) {
                assertEquals(200, reply.get().status(), reply.get().body().toString());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(1, sim().tokenCalls());
        assertEquals(50, sim().codeCalls());
    }

    @Test
    void aRevokedTokenIsReplacedWithOneExtraTokenCall() throws Exception {
        assertEquals(200, post("{\"scene\":\"before-revoke\"}").status());
        sim().reset();
        sim().revokeTokens();

        Reply reply = post("{\"scene\":\"after-revoke\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(1, sim().tokenCalls(), "one fetch for the replacement");
        assertEquals(2, sim().codeCalls(), "40001, then the retry with the new token");
        assertEquals(200, post("{\"scene\":\"after-revoke-2\"}").status());
        assertEquals(1, sim().tokenCalls(), "the new token is cached");
    }

    @Test
    void anExpiredTokenIsReplacedWithOneExtraTokenCall() throws Exception {
        assertEquals(200, post("{\"scene\":\"before-expiry\"}").status());
        sim().reset();
        // WeChat's clock passes the token's 7200 s while this instance still holds it
        sim().clock().advance(Duration.ofSeconds(7300));

        Reply reply = post("{\"scene\":\"after-expiry\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(1, sim().tokenCalls());
        assertEquals(2, sim().codeCalls(), "42001, then the retry with the new token");
    }

    @Test
    void aTokenRefusedEvenAfterRenewalIsAnOutage() throws Exception {
        sim().failNextCodeCalls(Fault.errcode(40001), Fault.errcode(40001));
        restartAppWith("retry.max-redeliveries", "0");

        Reply reply = post("{\"scene\":\"refused-twice\"}");

        assertEquals(503, reply.status(), reply.body().toString());
        assertEquals(40001, reply.error().path("errcode").asInt());
        assertTrue(reply.error().path("retryable").asBoolean());
        assertEquals(2, sim().codeCalls(), "the token retry happens once, not forever");
        restartAppWith("retry.max-redeliveries", "2");
    }

    @Test
    void aTokenWithOnly310SecondsLeftIsUsedNotFetchedAgainAndAgain() throws Exception {
        // the stable token has 310 s to live: stable_token hands out that same token, not a new one
        assertEquals(200, post("{\"scene\":\"prime-stable\"}").status());
        restartAppWith("wechat.token.endpoint", "stable");
        sim().reset();
        sim().clock().advance(Duration.ofSeconds(7200 - 310));

        for (int i = 0; i < 5; i++) {
            assertEquals(200, post("{\"scene\":\"short-left-" + i + "\"}").status());
        }

        assertEquals(1, sim().tokenCalls(), "cached for ~310 - 200 s instead of fetched per request");
        assertEquals(5, sim().codeCalls());
    }

    @Test
    void theClassicTokenEndpointCanBeChosen() throws Exception {
        restartAppWith("wechat.token.endpoint", "classic");

        assertEquals(200, post("{\"scene\":\"classic-1\"}").status());
        assertEquals(200, post("{\"scene\":\"classic-2\"}").status());

        assertEquals(1, sim().classicTokenCalls());
        assertEquals(0, sim().stableTokenCalls());
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource({
            "wechat.app.id, wx-not-this-app, 40013, wechat.app.id",
            "wechat.app.secret, not-the-secret, 40125, wechat.app.secret"})
    void wrongCredentialsSayWhichSettingIsWrong(String key, String value, int errcode, String setting) throws Exception {
        restartAppWith(key, value);

        Reply reply = post("{\"scene\":\"bad-config\"}");

        assertEquals(500, reply.status(), reply.body().toString());
        assertEquals("token_configuration", reply.error().path("code").asText());
        assertEquals(errcode, reply.error().path("errcode").asInt());
        assertTrue(reply.error().path("message").asText().contains(setting), reply.error().toString());
        assertFalse(reply.error().path("retryable").asBoolean(true));
        assertEquals(1, sim().tokenCalls(), "configuration errors are not retried");
        assertEquals(0, sim().codeCalls());
    }

    @ParameterizedTest(name = "errcode {0}")
    @CsvSource({"40164, IP whitelist", "40243, frozen"})
    void platformSideConfigurationErrorsSayWhatToFix(int errcode, String hint) throws Exception {
        restartAppWith("wechat.token.endpoint", "stable");
        sim().failNextTokenCalls(Fault.errcode(errcode));

        Reply reply = post("{\"scene\":\"platform-config\"}");

        assertEquals(500, reply.status(), reply.body().toString());
        assertEquals(errcode, reply.error().path("errcode").asInt());
        assertTrue(reply.error().path("message").asText().contains(hint), reply.error().toString());
        assertEquals(1, sim().tokenCalls());
    }

    @Test
    void aBusyTokenEndpointIsRetried() throws Exception {
        restartAppWith("wechat.token.endpoint", "stable");
        sim().failNextTokenCalls(Fault.errcode(-1), Fault.http(503));

        Reply reply = post("{\"scene\":\"token-busy\"}");

        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(3, sim().tokenCalls());
        assertEquals(1, sim().codeCalls());
    }
}
