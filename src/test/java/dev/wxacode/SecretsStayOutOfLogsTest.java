package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.wxacode.local.ForkedApp;
import dev.wxacode.local.LocalStack;
import dev.wxacode.simulator.Fault;
import org.junit.jupiter.api.Test;

/**
 * Drives the paths where secrets are most likely to leak (token refused, classic endpoint with the
 * secret in its URL, wrong secret, wrong API key, outages, startup summaries; and in a forked app
 * with the production logging setup, an app whose secret comes from an apps file and API keys from
 * a key file), then searches every log and captured output of the build's test JVMs and forked
 * apps, and every reply, for every secret the tests use and every token the simulators issued
 * ({@link SecretsSearch}). Runs last in surefire, in a JVM of its own (the pom's secrets-last
 * execution); SecretsStayOutOfLogsIT does the same last in failsafe.
 */
class SecretsStayOutOfLogsTest extends PipelineTestSupport {

    static final String WRONG_SECRET = "wrong-secret-4b1d7c0e9a";
    static final String WRONG_API_KEY = "presented-key-7c2e91aa";
    static final String VAULT_ID = "wx0000000000vault";
    static final String VAULT_SECRET = "vault-app-secret-6e0b3f1c92";
    static final String FILE_KEY_1 = "key-file-key-one-a81f09";
    static final String FILE_KEY_2 = "key-file-key-two-3c7e55";
    private static final Path FORKED_LOG = Path.of("target", "test-logs", "secrets-forked-app.log");

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
        replies.addAll(forkedAppWithItsSecretsInFiles());

        Set<String> issuedHere = new HashSet<>(sim().issuedTokens());
        assertTrue(issuedHere.size() >= 4, "the flows above issued tokens: " + issuedHere.size());
        SecretsSearch search = new SecretsSearch(issuedHere);

        Path ownLogFile = Path.of(System.getProperty("wxacode.test-log", "target/test-logs/tests.log"));
        String ownLog = Files.readString(ownLogFile, StandardCharsets.UTF_8);
        assertTrue(ownLog.contains("Fetched a WeChat access token"), "the log searched holds these flows");
        assertTrue(ownLog.contains("errcode 40125"), "the refused secret was logged as an errcode, not as a value");
        // surefire's main JVM, when a test of it ran (it runs before this one: the pom's default-test execution)
        search.searchEverything(ownLogFile, Map.of(Path.of("target", "test-logs", "tests.log"), Path.of("target", "surefire-reports")));
        Set<String> secrets = search.secrets();
        for (String secret : secrets) {
            for (String reply : replies) {
                assertFalse(reply.contains(secret), "a secret or token appears in a reply: " + reply.replace(secret, "<secret>"));
            }
        }
        search.notes().forEach(note -> System.out.println("secrets search: " + note));
        System.out.printf("secrets: %d secret values and tokens (%s) searched for in %d files of %d characters and %d replies: none found%n",
                secrets.size(), search.secretCounts(), search.filesSearched(), search.charactersSearched(), replies.size());
    }

    /**
     * The app as deployed, in a JVM of its own with the production logging setup (an asynchronous
     * appender): a second app whose secret is in an apps file, API keys in a key file, a right and a
     * wrong key; stopped with SIGTERM, after which its log must hold every line (SecretsSearch).
     */
    private static List<String> forkedAppWithItsSecretsInFiles() throws Exception {
        sim().addApp(VAULT_ID, VAULT_SECRET);
        Path appsFile = Files.createTempFile(Path.of("target"), "apps-", ".properties");
        Files.writeString(appsFile, "wechat.app.vault.secret = " + VAULT_SECRET + "\n");
        Path keysFile = Files.createTempFile(Path.of("target"), "api-keys-", ".txt");
        Files.writeString(keysFile, "# two keys side by side\n" + FILE_KEY_1 + "\n" + FILE_KEY_2 + "\n");
        Map<String, String> properties = new HashMap<>(stack.appProperties());
        int port = LocalStack.freePort();
        properties.put("http.port", Integer.toString(port));
        properties.put("management.port", Integer.toString(LocalStack.freePort()));
        properties.put("kafka.enabled", "false");
        properties.put("http.auth.api-key", "");
        properties.put("http.auth.api-keys-file", keysFile.toString());
        properties.put("wechat.apps", "default,vault");
        properties.put("wechat.app.vault.id", VAULT_ID);
        properties.put("wechat.apps-file", appsFile.toString());
        List<String> replies = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ForkedApp app = ForkedApp.fromClasspath(properties, FORKED_LOG)) {
            app.awaitReady("http://127.0.0.1:" + properties.get("management.port"), Duration.ofSeconds(90));
            for (String key : List.of(FILE_KEY_2, WRONG_API_KEY)) {
                HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/wxacode"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + key)
                                .POST(HttpRequest.BodyPublishers.ofString("{\"app\":\"vault\",\"scene\":\"secret-forked\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(key.equals(FILE_KEY_2) ? 200 : 401, reply.statusCode(), reply.body());
                replies.add(reply.body());
            }
            assertEquals(143, app.stop(), "stopped by SIGTERM: " + FORKED_LOG);
        }
        String log = Files.readString(FORKED_LOG, StandardCharsets.UTF_8);
        assertTrue(log.contains("secret-forked") || log.contains("for app vault"), "the forked app logged the request: " + FORKED_LOG);
        return replies;
    }
}
