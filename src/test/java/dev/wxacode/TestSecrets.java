package dev.wxacode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wxacode.local.LocalS3;
import dev.wxacode.local.LocalStack;

/**
 * Every secret value the tests hand to the service, to the simulators or to a request, right or
 * wrong, in one place: SecretsStayOutOfLogsTest and SecretsStayOutOfLogsIT search every log for
 * each of them. Many are private constants of the test that uses them, so they are repeated here
 * as literals; {@link #inTestSources()} scans src/test/java for anything that looks like a secret
 * and the secrets tests fail on any value missing from {@link #ALL}, so a new test secret cannot
 * be forgotten (nor a changed one go stale).
 */
final class TestSecrets {

    /** A secret, with where the tests use it. */
    static final Map<String, String> ALL = registry();

    /**
     * Values the scan finds (by a name or a setting that says key or secret) that are not secrets,
     * with why: none of them would be harmful in a log.
     */
    static final Map<String, String> NOT_SECRETS = Map.of(
            LocalS3.ACCESS_KEY, "LocalS3.ACCESS_KEY: an S3 access key id, which identifies, as a user name does",
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "S3PlatformTest.KMS_KEY: a key's name, not key material",
            "wxacode/.readiness", "S3PlatformTest.PROBE_KEY: an S3 object key");

    /** Where a value that looks like a secret was found in the test sources. */
    record Found(Path file, int line, String how, String value) {
        @Override
        public String toString() {
            return file + ":" + line + " (" + how + ") \"" + value + "\"";
        }
    }

    /** {@code String ..._KEY = "...";}, a whole literal assigned to a name that says secret, key, token or password. */
    private static final Pattern CONSTANT = Pattern.compile(
            "\\bString\\s+(\\w*(?i:secret|key|token|passw|credential)\\w*)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*;");
    /** A setting that takes a secret, set to a literal: {@code .with("wechat.app.secret", "not-the-secret")}. */
    private static final Pattern SETTING = Pattern.compile(
            "\"([\\w.-]*(?i:secret|api-key|password|token\\.service\\.key))\"\\s*,\\s*\"((?:[^\"\\\\]|\\\\.)+)\"");
    /** An Authorization value written out: {@code "Bearer wrong-key"}. */
    private static final Pattern CREDENTIAL = Pattern.compile("\"(?i:bearer|basic) ([^\"\\s]+)\"");
    /** A simulated WeChat app given a literal secret: {@code addApp(id, "secret-of-c")}. */
    private static final Pattern APP = Pattern.compile("addApp\\(\\s*[^,()]+,\\s*\"((?:[^\"\\\\]|\\\\.)+)\"");

    private TestSecrets() {
    }

    private static Map<String, String> registry() {
        Map<String, String> all = new LinkedHashMap<>();
        // the in-process stack's own
        all.put(LocalStack.APP_SECRET, "LocalStack.APP_SECRET: the default app's WeChat secret");
        all.put(LocalStack.TEST_API_KEY, "LocalStack.TEST_API_KEY: the in-process app's API key");
        all.put(LocalS3.SECRET_KEY, "LocalS3.SECRET_KEY: S3Proxy's secret key");
        all.put("local-shop-secret-3b7d1e90c2a4", "LocalMode.SHOP_APP_SECRET: local mode's second app");
        // further apps' secrets, several from an apps file (wechat.apps-file)
        all.put("shop-app-secret-0c4e2b9d7a11", "SeveralAppsTest.SHOP_SECRET, from an apps file");
        all.put("contract-shop-secret-51d0c7e2", "RequestSchemaAgreementTest.SHOP_SECRET, from an apps file");
        all.put("token-service-shop-secret-51ad", "TokenServiceTest.SHOP_SECRET");
        all.put("it-shop-secret-8e21f04b", "PackagedJarIT.SHOP_SECRET, in the environment");
        all.put("pause-shop-secret-7d1e3f", "QuotaPauseTest.SHOP_SECRET, from an apps file");
        all.put(SecretsStayOutOfLogsTest.VAULT_SECRET, "SecretsStayOutOfLogsTest.VAULT_SECRET, from an apps file");
        all.put("secret-of-a-0123456789abcdef", "WechatSimulatorTest.A_SECRET");
        all.put("secret-of-b-0123456789abcdef", "WechatSimulatorTest.B_SECRET");
        all.put("secret-of-c", "WechatSimulatorTest: a third app");
        all.put("local-secret-0123456789abcdef", "SimulatorMain: the standalone simulator's default app secret");
        all.put("route-check-secret", "RouteCheck: the app secret of the route check, which contacts nothing");
        all.put("ACCESS_TOKEN_SECRET_123", "AccessTokenTest: a token's value");
        // the central token service's key
        all.put("central-token-service-key-7c1e", "TokenServiceTest.SERVICE_KEY: the token service's API key");
        // API keys, some from an API-key file (http.auth.api-keys-file)
        all.put("it-api-key-3d9a51c07e", "PackagedJarIT.API_KEY");
        all.put("quota-it-api-key-51c0e7", "QuotaSharingIT.API_KEY");
        all.put("attack-it-key-51c9e0", "EdgeAttackIT.API_KEY");
        all.put("bench-api-key", "Benchmark.KEY");
        all.put("old-key-1111", "HttpAccessTest: an API-key file's key");
        all.put("new-key-2222", "HttpAccessTest: an API-key file's key");
        all.put(SecretsStayOutOfLogsTest.FILE_KEY_1, "SecretsStayOutOfLogsTest: an API-key file's key");
        all.put(SecretsStayOutOfLogsTest.FILE_KEY_2, "SecretsStayOutOfLogsTest: an API-key file's key");
        all.put("first-key", "ApiKeysTest");
        all.put("second-key", "ApiKeysTest");
        // wrong ones, which a caller or an operator might send or set by mistake
        all.put(SecretsStayOutOfLogsTest.WRONG_SECRET, "SecretsStayOutOfLogsTest.WRONG_SECRET");
        all.put(SecretsStayOutOfLogsTest.WRONG_API_KEY, "SecretsStayOutOfLogsTest.WRONG_API_KEY");
        all.put("not-the-secret", "ReadinessTest, KafkaPipelineTest: a wrong app secret");
        all.put("not-the-shop-secret", "SeveralAppsTest: a wrong app secret");
        all.put("wrong-key", "HttpAccessTest, TokenServiceTest: a wrong API key, a wrong token-service key");
        all.put("third-key", "ApiKeysTest: a wrong API key");
        all.put("test-api-key-9f8e7d6c5b4b", "HttpAccessTest: the API key but its last character");
        return all;
    }

    /** Everything in src/test/java that looks like a secret, where it was found. */
    static List<Found> inTestSources() throws IOException {
        List<Found> found = new ArrayList<>();
        Path root = Path.of("src", "test", "java");
        try (var files = Files.walk(root)) {
            // this file's own descriptions are not secrets
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("TestSecrets.java")).sorted().toList()) {
                String source = Files.readString(file, StandardCharsets.UTF_8);
                collect(found, file, source, CONSTANT, 2, "a constant named for a secret");
                collect(found, file, source, SETTING, 2, "a secret setting");
                collect(found, file, source, CREDENTIAL, 1, "an Authorization value");
                collect(found, file, source, APP, 1, "a simulated app's secret");
            }
        }
        return found;
    }

    private static void collect(List<Found> found, Path file, String source, Pattern pattern, int group, String how) {
        Matcher m = pattern.matcher(source);
        while (m.find()) {
            String value = m.group(group);
            // only literals: a value built from others ("Bearer " + KEY) is the others'
            // and a setting's name next to another (List.of("WECHAT_APP_SECRET", "HTTP_AUTH_API_KEY")) is no value
            boolean aName = pattern == SETTING && value.matches("[A-Z][A-Z0-9_]*");
            if (!value.isEmpty() && !value.contains("\\") && !aName) {
                int line = 1 + (int) source.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                found.add(new Found(file, line, how, value));
            }
        }
    }
}
