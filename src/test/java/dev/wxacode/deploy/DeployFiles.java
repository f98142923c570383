package dev.wxacode.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wxacode.token.AppSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The project's own files that the deployment files must agree with: application.properties (the
 * settings and their defaults) and the Dockerfile (what the image sets and copies). Read from the
 * working tree, so a change on either side shows in the deploy tests of the same build.
 */
final class DeployFiles {

    static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    static final Path DOCKERFILE = Path.of("Dockerfile");

    /** WECHAT_APP_SHOP_ID and the like: the keys of apps named in wechat.apps exist only at run time. */
    private static final Pattern PER_APP = Pattern.compile("WECHAT_APP_([A-Z0-9_]+)_(ID|SECRET)");

    private DeployFiles() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Object yaml(Path file) {
        return new Load(LoadSettings.builder().build()).loadFromString(read(file));
    }

    static List<Map<String, Object>> yamlDocuments(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(read(file))) {
            if (document != null) {
                documents.add(map(document, file + " document"));
            }
        }
        return documents;
    }

    static Properties properties() {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(PROPERTIES, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    static String property(String key) {
        String value = properties().getProperty(key);
        if (value == null) {
            throw new AssertionError(key + " is not in " + PROPERTIES);
        }
        return value.trim();
    }

    /** Every environment variable that overrides a key of application.properties, by the service's own rule. */
    static Map<String, String> settingsByEnvironmentName() {
        Map<String, String> names = new LinkedHashMap<>();
        for (String key : properties().stringPropertyNames()) {
            names.put(AppSettings.environmentName(key), key);
        }
        return names;
    }

    /**
     * Whether the service reads this environment variable: a key of application.properties, or the
     * id or secret of an app whose name is valid in wechat.apps.
     */
    static boolean isSetting(String name) {
        if (settingsByEnvironmentName().containsKey(name)) {
            return true;
        }
        Matcher perApp = PER_APP.matcher(name);
        if (!perApp.matches()) {
            return false;
        }
        String app = perApp.group(1).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        try {
            AppSettings.names(app);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return AppSettings.environmentName(AppSettings.key(app, perApp.group(2).toLowerCase(java.util.Locale.ROOT))).equals(name);
    }

    /** The variables the Dockerfile's ENV lines set (JAVA_OPTS, MALLOC_ARENA_MAX): read by the image's entrypoint and the JVM. */
    /**
     * The names among these that the service would silently ignore: neither a key of
     * application.properties (a.b-c: A_B_C), nor an app's WECHAT_APP_NAME_ID/SECRET, nor one the
     * Dockerfile sets.
     */
    static List<String> unknownSettings(Collection<String> names) {
        Set<String> imageEnv = dockerfileEnv().keySet();
        return names.stream().filter(name -> !isSetting(name) && !imageEnv.contains(name)).toList();
    }

    /** What {@link #unknownSettings} says when it finds one. */
    static final String UNKNOWN_SETTINGS = "each name overrides a key of application.properties (a.b-c: A_B_C), is an app's"
            + " WECHAT_APP_<NAME>_ID/SECRET, or is one the Dockerfile sets; a misspelt one is silently ignored";

    static Map<String, String> dockerfileEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern assignment = Pattern.compile("(?:^|\\s)([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
        for (String instruction : dockerfileInstructions()) {
            if (!instruction.startsWith("ENV ")) {
                continue;
            }
            Matcher m = assignment.matcher(instruction.substring(4));
            while (m.find()) {
                String value = m.group(2);
                env.put(m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
            }
        }
        return env;
    }

    /** The paths the Dockerfile copies from the build context (COPY without --from). */
    static Set<String> dockerfileCopySources() {
        Set<String> sources = new LinkedHashSet<>();
        for (String instruction : dockerfileInstructions()) {
            if (!instruction.startsWith("COPY ") || instruction.contains("--from=")) {
                continue;
            }
            List<String> words = new ArrayList<>(List.of(instruction.substring(5).trim().split("\\s+")));
            words.removeIf(w -> w.startsWith("--"));
            sources.addAll(words.subList(0, words.size() - 1));
        }
        return sources;
    }

    /** The Dockerfile's instructions with continuation lines joined and comments dropped. */
    private static List<String> dockerfileInstructions() {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : read(DOCKERFILE).split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            if (!current.toString().isBlank()) {
                instructions.add(current.toString().trim());
            }
            current.setLength(0);
        }
        return instructions;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        if (!(value instanceof Map)) {
            throw new AssertionError(what + " is not a mapping: " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String what) {
        if (!(value instanceof List)) {
            throw new AssertionError(what + " is not a list: " + value);
        }
        return (List<Object>) value;
    }

    /** Follows keys through nested mappings; null when one is missing. */
    static Object at(Object root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = ((Map<?, ?>) current).get(key);
        }
        return current;
    }

    /**
     * Whether an image reference names a version: a tag other than latest, or a digest. The tag is
     * after the last colon of the last path segment (a registry's port is not a tag).
     */
    static boolean isPinned(String image) {
        if (image.contains("@sha256:")) {
            return true;
        }
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastSegment.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String tag = lastSegment.substring(colon + 1);
        return !tag.isBlank() && !tag.equals("latest") && !tag.contains("${");
    }

    /** The repository of an image reference, as Docker Hub names it (no docker.io/, no library/, no tag). */
    static String repository(String image) {
        String name = image.split("@")[0];
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            name = name.substring(0, colon);
        }
        name = name.replaceFirst("^(docker\\.io|index\\.docker\\.io|registry-1\\.docker\\.io)/", "");
        return name.replaceFirst("^library/", "");
    }
}
