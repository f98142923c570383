package dev.wxacode.deploy;

import static dev.wxacode.deploy.DeployFiles.at;
import static dev.wxacode.deploy.DeployFiles.list;
import static dev.wxacode.deploy.DeployFiles.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml has to start on a machine that has never pulled anything, and nothing here can
 * run Docker: so what makes it fail on such a machine is checked on the file itself.
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final String APP = "wxacode-route";

    /** Repositories a fresh machine cannot pull any more, with why. */
    private static final Map<String, String> GONE = Map.of(
            "minio/minio", "deleted from Docker Hub in September 2026 (pull: repository does not exist); MinIO's community edition is archived",
            "minio/mc", "deleted from Docker Hub in September 2026 (pull: repository does not exist)");

    /** Settings the service cannot work without and that have no sensible local default. */
    private static final List<String> REQUIRED_SECRETS = List.of("WECHAT_APP_ID", "WECHAT_APP_SECRET", "HTTP_AUTH_API_KEY");

    /**
     * The programs a healthcheck may start, by image, as each image's Dockerfile shows them: MinIO's
     * images once dropped curl and every healthcheck calling it failed. A new image (or a new
     * program) goes here once its Dockerfile has been read.
     */
    private static final Map<String, Set<String>> HEALTHCHECK_PROGRAMS = Map.of(
            // the Kafka distribution under /opt/kafka
            "apache/kafka", Set.of("/opt/kafka/bin/kafka-topics.sh", "/opt/kafka/bin/kafka-broker-api-versions.sh"),
            // Ubuntu with bash and dumb-init; its own HEALTHCHECK uses bash's /dev/tcp, no curl
            "andrewgaul/s3proxy", Set.of("bash"),
            // built from the Dockerfile: eclipse-temurin, Ubuntu-based, so bash
            "build", Set.of("bash"));

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)}");

    private final Map<String, Object> services = map(at(DeployFiles.yaml(COMPOSE), "services"), "services");

    @Test
    void everyImageNamesAReleaseThatStillExists() {
        List<String> faults = new ArrayList<>();
        services.forEach((name, service) -> {
            Object image = at(service, "image");
            if (image == null) {
                if (at(service, "build") == null) {
                    faults.add(name + ": neither image nor build");
                }
                return;
            }
            if (!DeployFiles.isPinned(image.toString())) {
                faults.add(name + ": " + image + " has no version tag (or latest): a fresh machine gets whatever it is that day");
            }
            String gone = GONE.get(DeployFiles.repository(image.toString()));
            if (gone != null) {
                faults.add(name + ": " + image + " " + gone);
            }
        });
        assertEquals(List.of(), faults);
    }

    @Test
    void requiredSecretsStopComposeInsteadOfTheService() {
        Map<String, String> env = environment(APP);
        for (String secret : REQUIRED_SECRETS) {
            String value = env.get(secret);
            assertNotNull(value, APP + " gets " + secret);
            assertTrue(Pattern.compile("\\$\\{" + secret + ":\\?.+}").matcher(value).matches(),
                    secret + " is written " + value + ": ${" + secret + ":?message} makes compose refuse to start without it,"
                            + " where an empty default starts a service that then fails");
        }
    }

    @Test
    void noVariableDefaultsToEmpty() {
        // ${X:-} or ${X-}: compose passes an empty value and whatever reads it fails later, further from the cause
        List<String> empty = new ArrayList<>();
        Matcher m = INTERPOLATION.matcher(DeployFiles.read(COMPOSE));
        while (m.find()) {
            String modifier = m.group(2);
            if (modifier.equals(":-") || modifier.equals("-") || modifier.isEmpty() && REQUIRED_SECRETS.contains(m.group(1))) {
                empty.add(m.group());
            }
        }
        assertEquals(List.of(), empty);
    }

    @Test
    void theServiceIsGivenOnlySettingsItReads() {
        Map<String, String> env = environment(APP);
        assertFalse(env.isEmpty());
        assertEquals(List.of(), DeployFiles.unknownSettings(env.keySet()), DeployFiles.UNKNOWN_SETTINGS);
    }

    @Test
    void theServiceReachesTheStoreAndBrokerOfThisFile() {
        Map<String, String> env = environment(APP);
        String endpoint = env.get("S3_ENDPOINT");
        assertNotNull(endpoint);
        String host = endpoint.replaceFirst("^https?://", "").split("[:/]")[0];
        assertTrue(services.containsKey(host), "S3_ENDPOINT " + endpoint + " names a service of this file");
        assertEquals("true", env.get("S3_FORCE_PATH_STYLE"), "S3Proxy wants path-style addressing");
        assertTrue(services.containsKey(env.get("KAFKA_BROKERS").split(":")[0]), "KAFKA_BROKERS names a service of this file");
    }

    @Test
    void whatIsWaitedForHasAHealthcheckOrExits() {
        List<String> faults = new ArrayList<>();
        services.forEach((name, service) -> {
            Object dependsOn = at(service, "depends_on");
            if (!(dependsOn instanceof Map)) {
                return;
            }
            map(dependsOn, name + ".depends_on").forEach((target, how) -> {
                Object condition = at(how, "condition");
                if (!services.containsKey(target)) {
                    faults.add(name + " waits for " + target + ", which is not a service");
                } else if ("service_healthy".equals(condition) && at(services.get(target), "healthcheck", "test") == null) {
                    faults.add(name + " waits for " + target + " to be healthy, which has no healthcheck here");
                } else if ("service_completed_successfully".equals(condition) && at(services.get(target), "command") == null) {
                    faults.add(name + " waits for " + target + " to exit, which runs no one-shot command");
                }
            });
        });
        assertEquals(List.of(), faults);
    }

    @Test
    void healthchecksRunOnlyProgramsTheirImageShips() {
        List<String> faults = new ArrayList<>();
        services.forEach((name, service) -> {
            Object test = at(service, "healthcheck", "test");
            if (test == null) {
                return;
            }
            Object image = at(service, "image");
            String repository = image == null ? "build" : DeployFiles.repository(image.toString());
            Set<String> known = HEALTHCHECK_PROGRAMS.get(repository);
            String program = program(name, test);
            if (known == null) {
                faults.add(name + ": nobody has checked what " + repository + " ships; read its Dockerfile and add it here");
            } else if (!known.contains(program)) {
                faults.add(name + ": its healthcheck runs " + program + ", which " + repository + " is not known to ship");
            }
        });
        assertEquals(List.of(), faults);
    }

    @Test
    void theCheckedWordsAreReallyTheRules() {
        // the checks above must be able to fail: the file's own history had all of these
        assertFalse(DeployFiles.isPinned("minio/minio:latest"));
        assertFalse(DeployFiles.isPinned("minio/mc"));
        assertFalse(DeployFiles.isPinned("localhost:5000/wxacode-route"));
        assertTrue(DeployFiles.isPinned("localhost:5000/wxacode-route:0.1.0"));
        assertEquals("minio/minio", DeployFiles.repository("docker.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"));
        assertTrue(GONE.containsKey(DeployFiles.repository("docker.io/minio/mc:latest")));
        assertFalse(DeployFiles.isSetting("S3_ACCESSKEY"));
        assertFalse(DeployFiles.isSetting("WECHAT_APP__ID"));
        assertTrue(DeployFiles.isSetting("WECHAT_APP_SHOP_ID"));
        assertTrue(DeployFiles.isSetting("S3_FORCE_PATH_STYLE"));
        assertEquals("curl", program("minio", List.of("CMD-SHELL", "curl -sf http://localhost:9000/minio/health/live")));
    }

    /** The first word a healthcheck runs: CMD's program, or CMD-SHELL's first word. */
    private static String program(String service, Object test) {
        List<Object> words = list(test, service + ".healthcheck.test");
        String kind = words.get(0).toString();
        if (kind.equals("CMD-SHELL")) {
            return words.get(1).toString().trim().split("\\s+")[0];
        }
        assertEquals("CMD", kind, service + ": healthcheck test is CMD or CMD-SHELL");
        return words.get(1).toString();
    }

    private Map<String, String> environment(String service) {
        Object env = at(services.get(service), "environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(k.toString(), v == null ? null : v.toString()));
        } else if (env instanceof List<?> l) {
            for (Object entry : l) {
                String[] parts = entry.toString().split("=", 2);
                result.put(parts[0], parts.length > 1 ? parts[1] : null);
            }
        }
        return result;
    }
}
