package dev.wxacode.deploy;

import static dev.wxacode.deploy.DeployFiles.at;
import static dev.wxacode.deploy.DeployFiles.list;
import static dev.wxacode.deploy.DeployFiles.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.MetricsConfigurationProperties;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes against what the service really does: its ports, health paths and settings
 * (application.properties), the image's JVM and user (Dockerfile), its memory (BENCHMARKS.md) and
 * its Kafka consumer (the route). No cluster here: `kubectl kustomize` and this test are the checks.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy/kubernetes");
    private static final Path SECRET_EXAMPLE = DIR.resolve("secret.example.yaml");

    /** WeChat's allowance of code calls per minute and app, shared by all pods (the pacing is per pod). */
    private static final int WECHAT_CALLS_PER_MINUTE = 5000;

    /** These must never be a literal value in a manifest. */
    private static final List<String> SECRETS = List.of("WECHAT_APP_ID", "WECHAT_APP_SECRET", "HTTP_AUTH_API_KEY",
            "S3_ACCESS_KEY", "S3_SECRET_KEY");

    private final Map<String, Map<String, Object>> byKind = resources();
    private final Map<String, Object> deployment = byKind.get("Deployment");
    private final Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"), "pod spec");
    private final Map<String, Object> container = map(list(pod.get("containers"), "containers").get(0), "container");
    private final Map<String, EnvVar> env = env(container);

    @Test
    void kustomizationAppliesEveryManifestButTheExampleSecret() throws IOException {
        Set<String> resources = new TreeSet<>(list(at(kustomization(), "resources"), "resources").stream()
                .map(Object::toString).toList());
        Set<String> manifests;
        try (Stream<Path> files = Files.list(DIR)) {
            manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml") && !n.equals("secret.example.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(manifests, resources, "a manifest in the folder that kubectl apply -k would skip, or the reverse");
        assertTrue(Set.of("Deployment", "Service", "PodDisruptionBudget", "ScaledObject").equals(byKind.keySet()), byKind.keySet().toString());
    }

    @Test
    void theImageIsAReleaseNotLatest() {
        assertEquals(1, list(pod.get("containers"), "containers").size());
        Map<String, Object> image = map(list(at(kustomization(), "images"), "images").get(0), "images[0]");
        assertEquals(container.get("image"), image.get("name"), "kustomization.yaml sets the Deployment's image");
        assertTrue(DeployFiles.isPinned(image.get("newName") + ":" + image.get("newTag")), "newTag " + image.get("newTag"));
    }

    @Test
    void containerPortsAreTheServicesPorts() {
        Map<String, Integer> ports = containerPorts();
        assertEquals(Integer.valueOf(DeployFiles.property("http.port")), ports.get("http"));
        assertEquals(Integer.valueOf(DeployFiles.property("management.port")), ports.get("management"));
        assertEquals(2, ports.size());
        assertTrue(DeployFiles.read(DeployFiles.DOCKERFILE).contains("EXPOSE " + ports.get("http") + " " + ports.get("management")),
                "the Dockerfile exposes the same ports");
    }

    @Test
    void probesAskTheManagementPortForLiveAndReady() {
        // Camel's own defaults: application.properties sets the port, not the paths
        String health = new HttpManagementServerConfigurationProperties(null).getHealthPath();
        assertNull(DeployFiles.properties().getProperty("camel.management.health-path"), "the test would need to read it");
        assertEquals(health + "/live", at(container, "livenessProbe", "httpGet", "path"));
        assertEquals(health + "/live", at(container, "startupProbe", "httpGet", "path"));
        assertEquals(health + "/ready", at(container, "readinessProbe", "httpGet", "path"));
        for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            Object port = at(container, probe, "httpGet", "port");
            assertEquals(Integer.valueOf(DeployFiles.property("management.port")), containerPorts().get(String.valueOf(port)),
                    probe + " asks port " + port);
        }

        Map<String, Object> annotations = map(at(deployment, "spec", "template", "metadata", "annotations"), "annotations");
        assertEquals(DeployFiles.property("management.port"), annotations.get("prometheus.io/port"));
        assertEquals(new MetricsConfigurationProperties(null).getPath(), annotations.get("prometheus.io/path"));
    }

    @Test
    void everyVariableIsASettingTheServiceReads() {
        assertEquals(List.of(), DeployFiles.unknownSettings(env.keySet()), DeployFiles.UNKNOWN_SETTINGS);
        assertNull(container.get("envFrom"), "names from envFrom would escape this check");
    }

    @Test
    void theJvmIsTheOneTheDockerfileAndTheBenchmarkUse() {
        Map<String, String> image = DeployFiles.dockerfileEnv();
        assertNotNull(image.get("JAVA_OPTS"), "the Dockerfile sets JAVA_OPTS");
        assertTrue(image.get("JAVA_OPTS").contains("-XX:+ExitOnOutOfMemoryError"), "an OutOfMemoryError ends the pod for a restart");
        assertEquals(image.get("JAVA_OPTS"), env.get("JAVA_OPTS").value);
        assertEquals(image.get("MALLOC_ARENA_MAX"), env.get("MALLOC_ARENA_MAX").value);
    }

    @Test
    void secretsComeFromTheSecretAndTheExampleHasEveryKey() {
        Map<String, Object> example = DeployFiles.yamlDocuments(SECRET_EXAMPLE).get(0);
        Map<String, Object> data = map(example.get("stringData"), "stringData");
        for (String name : SECRETS) {
            EnvVar var = env.get(name);
            assertNotNull(var, name + " is set");
            assertNull(var.value, name + " is written in the manifest");
            assertNotNull(var.secretName, name + " comes from a secretKeyRef");
            assertEquals(at(example, "metadata", "name"), var.secretName, name);
            assertTrue(data.containsKey(var.secretKey), "secret.example.yaml has " + var.secretKey);
            assertTrue(data.get(var.secretKey).toString().startsWith("PLACEHOLDER"), var.secretKey + " is marked as a placeholder");
        }
        // without these the service cannot work; the S3 pair may come from the AWS default chain instead
        for (String required : List.of("WECHAT_APP_ID", "WECHAT_APP_SECRET", "HTTP_AUTH_API_KEY")) {
            assertFalse(env.get(required).optional, required + " is not optional");
        }
        env.forEach((name, var) -> assertFalse(var.value != null && name.matches(".*(SECRET|_KEY|PASSWORD|JAAS).*"),
                name + " looks like a secret and is written in the manifest"));
    }

    @Test
    void kedaWatchesTheGroupAndTopicTheServiceConsumes() {
        Map<String, Object> scaled = byKind.get("ScaledObject");
        assertEquals("keda.sh/v1alpha1", scaled.get("apiVersion"));
        assertEquals(at(deployment, "metadata", "name"), at(scaled, "spec", "scaleTargetRef", "name"));
        Map<String, Object> kafka = list(at(scaled, "spec", "triggers"), "triggers").stream()
                .map(t -> map(t, "trigger"))
                .filter(t -> "kafka".equals(t.get("type")))
                .findFirst().orElseThrow(() -> new AssertionError("no kafka trigger"));
        Map<String, Object> metadata = map(kafka.get("metadata"), "kafka trigger metadata");

        assertEquals(setting("kafka.group"), metadata.get("consumerGroup"));
        assertEquals(setting("kafka.request-topic"), metadata.get("topic"));
        assertEquals(setting("kafka.brokers"), metadata.get("bootstrapServers"));
        assertTrue(Integer.parseInt(metadata.get("lagThreshold").toString()) > 0);

        // KEDA counts a group without committed offsets as the route's consumer starts reading
        Matcher reset = Pattern.compile("autoOffsetReset:\\s*(\\w+)").matcher(DeployFiles.read(Path.of("routes/ingress/kafka.camel.yaml")));
        assertTrue(reset.find(), "the route sets autoOffsetReset");
        assertEquals(reset.group(1), metadata.get("offsetResetPolicy"));
    }

    @Test
    void allPodsTogetherStayWithinWechatsCallsPerMinute() {
        int maxPods = Integer.parseInt(at(byKind.get("ScaledObject"), "spec", "maxReplicaCount").toString());
        int minPods = Integer.parseInt(at(byKind.get("ScaledObject"), "spec", "minReplicaCount").toString());
        // the setting is the deployment's, shared among the pods through Kafka (docs/scaling.md)
        int deployment = Integer.parseInt(setting("wechat.pace.calls-per-minute"));
        assertTrue(deployment > 0 && deployment <= WECHAT_CALLS_PER_MINUTE, deployment + " calls a minute for all pods");
        assertEquals("0", setting("wechat.pace.instances"), "the pods share the quota through Kafka, not by a fixed count");
        assertEquals("true", setting("kafka.enabled"));
        assertTrue(maxPods <= Integer.parseInt(setting("wechat.pace.coordination.partitions")),
                "each of " + maxPods + " pods gets a partition of the coordination topic, so a share");
        assertTrue(minPods >= 2, "one pod left while another restarts or is drained");
        assertEquals(1, at(byKind.get("PodDisruptionBudget"), "spec", "maxUnavailable"));
    }

    @Test
    void itRunsAsTheImagesUserWithNothingToEscalateTo() {
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\d+)").matcher(DeployFiles.read(DeployFiles.DOCKERFILE));
        assertTrue(user.find(), "the Dockerfile names a numeric USER");
        assertEquals(Boolean.TRUE, at(pod, "securityContext", "runAsNonRoot"));
        assertEquals(Integer.valueOf(user.group(1)), at(pod, "securityContext", "runAsUser"));
        assertEquals(Boolean.FALSE, at(container, "securityContext", "allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), at(container, "securityContext", "capabilities", "drop"));
        assertEquals(Boolean.TRUE, at(container, "securityContext", "readOnlyRootFilesystem"));

        // Vert.x's file cache (and the JVM's hsperfdata) go to /tmp: a writable volume there
        Map<String, Object> tmpMount = list(container.get("volumeMounts"), "volumeMounts").stream().map(m -> map(m, "mount"))
                .filter(m -> "/tmp".equals(m.get("mountPath"))).findFirst().orElseThrow(() -> new AssertionError("nothing mounted on /tmp"));
        Map<String, Object> tmpVolume = list(pod.get("volumes"), "volumes").stream().map(v -> map(v, "volume"))
                .filter(v -> tmpMount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
        assertNotNull(tmpVolume.get("emptyDir"));
        assertNotEquals(Boolean.TRUE, tmpMount.get("readOnly"));
    }

    @Test
    void memoryIsSizedFromTheMeasuredPeak() {
        Matcher peaks = Pattern.compile("(?i)peak RSS[^.;|]*?(\\d{3}) MB").matcher(DeployFiles.read(Path.of("BENCHMARKS.md")));
        long peak = 0;
        while (peaks.find()) {
            peak = Math.max(peak, Long.parseLong(peaks.group(1)) * 1_000_000);
        }
        assertTrue(peak > 0, "BENCHMARKS.md states the app's peak RSS");
        long limit = bytes(at(container, "resources", "limits", "memory"));
        long request = bytes(at(container, "resources", "requests", "memory"));
        assertTrue(limit >= peak, "limit " + limit + " under the measured peak RSS " + peak);
        assertTrue(limit <= peak * 3 / 2, "limit " + limit + " far above the measured peak RSS " + peak + ": wasted on every pod");
        assertEquals(limit, request, "a pod is placed only where its memory is free");
        assertNotNull(at(container, "resources", "requests", "cpu"), "a CPU request, which KEDA's cpu trigger needs");
    }

    @Test
    void serviceAndBudgetSelectThePods() {
        Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"), "pod labels");
        Map<String, Object> service = byKind.get("Service");
        assertSelects(podLabels, map(at(service, "spec", "selector"), "service selector"));
        assertSelects(podLabels, map(at(byKind.get("PodDisruptionBudget"), "spec", "selector", "matchLabels"), "pdb selector"));
        assertSelects(podLabels, map(at(deployment, "spec", "selector", "matchLabels"), "deployment selector"));

        Map<String, Integer> ports = containerPorts();
        for (Object p : list(at(service, "spec", "ports"), "service ports")) {
            Object target = at(p, "targetPort");
            assertTrue(ports.containsKey(String.valueOf(target)), "targetPort " + target + " is a named container port");
            assertEquals(ports.get(String.valueOf(target)), at(p, "port"), "the Service keeps the container's port numbers");
        }
    }

    @Test
    void theRoutesComponentMountsEveryRouteWhereTheServiceReadsThem() throws IOException {
        Map<String, Object> component = map(DeployFiles.yaml(DIR.resolve("routes-from-configmap/kustomization.yaml")), "component");
        assertEquals("Component", component.get("kind"));
        Map<String, Object> generator = map(list(component.get("configMapGenerator"), "configMapGenerator").get(0), "generator");
        // key=file: the key a file is kept under, and the file
        Map<String, String> fileOfKey = new TreeMap<>();
        for (Object entry : list(generator.get("files"), "files")) {
            String[] keyAndFile = entry.toString().split("=", 2);
            assertEquals(2, keyAndFile.length, "a key for each file (a ConfigMap key holds no folder): " + entry);
            fileOfKey.put(keyAndFile[0], DIR.resolve("routes-from-configmap").resolve(keyAndFile[1]).normalize().toString());
        }
        Path routesDir = Path.of(DeployFiles.property("wxacode.routes-dir"));
        Set<String> routes;
        try (Stream<Path> files = Files.walk(routesDir)) {
            routes = files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).map(Path::toString)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(routes, new TreeSet<>(fileOfKey.values()), "the ConfigMap replaces the whole folder: a route left out would be gone");
        Matcher workdir = Pattern.compile("(?m)^WORKDIR\\s+(\\S+)").matcher(DeployFiles.read(DeployFiles.DOCKERFILE));
        String lastWorkdir = null;
        while (workdir.find()) {
            lastWorkdir = workdir.group(1);
        }
        String mountPath = lastWorkdir + "/" + DeployFiles.property("wxacode.routes-dir");
        String patch = at(list(component.get("patches"), "patches").get(0), "patch").toString();
        List<Object> operations = list(new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                .loadFromString(patch), "patch");
        assertTrue(operations.stream().anyMatch(op -> mountPath.equals(at(op, "value", "mountPath"))),
                "mounted on the image's working directory + wxacode.routes-dir");
        Object volume = operations.stream().filter(op -> generator.get("name").equals(at(op, "value", "configMap", "name")))
                .findFirst().orElseThrow(() -> new AssertionError("a volume of the ConfigMap"));
        // each key back in its folder, where the route file is in routes/
        Set<String> placed = new TreeSet<>();
        for (Object item : list(at(volume, "value", "configMap", "items"), "items")) {
            String file = fileOfKey.get(at(item, "key").toString());
            assertEquals(routesDir.resolve(at(item, "path").toString()).toString(), file, "item " + at(item, "key"));
            placed.add(file);
        }
        assertEquals(routes, placed, "every route file placed in its folder by the volume's items");
    }

    private static void assertSelects(Map<String, Object> labels, Map<String, Object> selector) {
        assertFalse(selector.isEmpty());
        selector.forEach((k, v) -> assertEquals(v, labels.get(k), "selector " + k));
    }

    /** The value the service runs with: the Deployment's variable, else application.properties. */
    private String setting(String key) {
        EnvVar var = env.get(dev.wxacode.token.AppSettings.environmentName(key));
        return var != null && var.value != null ? var.value : DeployFiles.property(key);
    }

    private Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object p : list(container.get("ports"), "ports")) {
            ports.put(String.valueOf(at(p, "name")), (Integer) at(p, "containerPort"));
        }
        return ports;
    }

    private static Map<String, Object> kustomization() {
        return map(DeployFiles.yaml(DIR.resolve("kustomization.yaml")), "kustomization");
    }

    private static Map<String, Map<String, Object>> resources() {
        Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
        for (Object file : list(at(kustomization(), "resources"), "resources")) {
            for (Map<String, Object> document : DeployFiles.yamlDocuments(DIR.resolve(file.toString()))) {
                Object previous = byKind.put(document.get("kind").toString(), document);
                assertNull(previous, "one " + document.get("kind"));
            }
        }
        return byKind;
    }

    private static Map<String, EnvVar> env(Map<String, Object> container) {
        Map<String, EnvVar> env = new LinkedHashMap<>();
        for (Object entry : list(container.get("env"), "env")) {
            String name = at(entry, "name").toString();
            Object value = at(entry, "value");
            Object ref = at(entry, "valueFrom", "secretKeyRef");
            EnvVar var = new EnvVar(value == null ? null : value.toString(),
                    ref == null ? null : String.valueOf(at(ref, "name")),
                    ref == null ? null : String.valueOf(at(ref, "key")),
                    ref != null && Boolean.TRUE.equals(at(ref, "optional")));
            assertNull(env.put(name, var), name + " set twice");
        }
        return env;
    }

    private static long bytes(Object quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi|k|M|G)?").matcher(String.valueOf(quantity));
        assertTrue(m.matches(), "quantity " + quantity);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "k" -> n * 1_000;
            case "M" -> n * 1_000_000;
            case "G" -> n * 1_000_000_000;
            default -> n;
        };
    }

    private record EnvVar(String value, String secretName, String secretKey, boolean optional) {
    }
}
