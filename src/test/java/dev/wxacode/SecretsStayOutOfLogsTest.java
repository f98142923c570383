package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.wxacode.local.LocalS3;
import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.Fault;
import org.junit.jupiter.api.Test;

/**
 * Drives the paths where secrets are most likely to leak (token refused, classic endpoint with the
 * secret in its URL, wrong secret, wrong API key, outages, startup summaries), then searches
 * everything the test JVMs of this build logged, and every reply, for the app secret, the S3 secret key, the API keys
 * and each token the simulator issued.
 */
class SecretsStayOutOfLogsTest extends PipelineTestSupport {

    private static final String WRONG_SECRET = "wrong-secret-4b1d7c0e9a";
    private static final String WRONG_API_KEY = "presented-key-7c2e91aa";

    @Test
    void noLogLineAndNoReplyCarriesASecretOrAToken() throws Exception {
        List<String> replies = new ArrayList<>();
        replies.add(post("{\"scene\":\"secret-ok\"}").body().toString());
        replies.add(post("{\"scene\":\"secret-bad-key\"}", "application/json", "Bearer " + WRONG_API_KEY).body().toString());
        sim().revokeTokens();
        replies.add(post("{\"scene\":\"secret-revoked\"}").body().toString());
        sim().failNextCodeCalls(Fault.errcode(40001), Fault.errcode(42001), Fault.http(500), Fault.http(500), Fault.http(500));
        replies.add(post("{\"scene\":\"secret-refused\"}").body().toString());
        restartAppWith("wechat.token.endpoint", "classic");
        replies.add(post("{\"scene\":\"secret-classic\"}").body().toString());
        sim().failNextTokenCalls(Fault.http(502), Fault.http(502), Fault.http(502));
        restartAppWith("wechat.token.endpoint", "classic");
        replies.add(post("{\"scene\":\"secret-classic-down\"}").body().toString());
        restartAppWith("wechat.app.secret", WRONG_SECRET);
        Reply refused = post("{\"scene\":\"secret-wrong\"}");
        assertEquals(500, refused.status());
        replies.add(refused.body().toString());
        restartAppWith("wechat.app.secret", LocalStack.APP_SECRET);
        restartAppWith("wechat.token.endpoint", "stable");

        Set<String> secrets = new HashSet<>(sim().issuedTokens());
        assertTrue(secrets.size() >= 3, "the flows above issued tokens: " + secrets.size());
        // and every token issued earlier in this build, by the other test JVM's simulators
        Path ledger = Path.of("target", "test-logs", "issued-tokens.txt");
        if (Files.exists(ledger)) {
            secrets.addAll(Files.readAllLines(ledger, StandardCharsets.UTF_8));
        }
        secrets.add(LocalStack.APP_SECRET);
        secrets.add(WRONG_SECRET);
        secrets.add(LocalS3.SECRET_KEY);
        secrets.add(LocalStack.TEST_API_KEY);
        secrets.add(WRONG_API_KEY);

        String ownLog = Files.readString(Path.of(System.getProperty("wxacode.test-log", "target/test-logs/tests.log")),
                StandardCharsets.UTF_8);
        assertTrue(ownLog.contains("Fetched a WeChat access token"), "the log searched holds these flows");
        assertTrue(ownLog.contains("errcode 40125"), "the refused secret was logged as an errcode, not as a value");
        long searched = 0;
        try (var logs = Files.list(Path.of("target", "test-logs"))) {
            for (Path file : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
                String log = Files.readString(file, StandardCharsets.ISO_8859_1);
                searched += log.length();
                for (String secret : secrets) {
                    assertFalse(log.contains(secret), "a secret or token appears in " + file);
                }
            }
        }
        for (String secret : secrets) {
            for (String reply : replies) {
                assertFalse(reply.contains(secret), "a secret or token appears in a reply: " + reply);
            }
        }
        System.out.printf("secrets: %d secret values and tokens searched for in %d characters of logs and %d replies: none found%n",
                secrets.size(), searched, replies.size());
    }
}
