package dev.wxacode.token;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.wxacode.request.WxacodeRequest;

/**
 * Where each app's id and secret are read from. The app named {@code default} keeps the keys of a
 * single-app deployment, {@code wechat.app.id} and {@code wechat.app.secret}; any other app,
 * say {@code shop}, has {@code wechat.app.shop.id} and {@code wechat.app.shop.secret}. Each key is
 * looked up in the service's properties (so an environment variable such as WECHAT_APP_SHOP_SECRET
 * overrides it), then in the secrets file {@code wechat.apps-file} if one is configured: a
 * properties file with the same keys, as a mounted Kubernetes or Docker secret provides.
 */
public final class AppSettings {

    /** App names become parts of property keys, environment variables and object keys. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final Function<String, Optional<String>> properties;
    private final Properties secretsFile;

    private AppSettings(Function<String, Optional<String>> properties, Properties secretsFile) {
        this.properties = properties;
        this.secretsFile = secretsFile;
    }

    /**
     * @param properties the service's property lookup (environment overrides included)
     * @param secretsFile a properties file, or blank for none
     */
    public static AppSettings of(Function<String, Optional<String>> properties, String secretsFile) {
        Properties file = new Properties();
        if (secretsFile != null && !secretsFile.isBlank()) {
            try (Reader in = Files.newBufferedReader(Path.of(secretsFile.trim()), StandardCharsets.UTF_8)) {
                file.load(in);
            } catch (IOException e) {
                // the path is configuration, not a secret: say which file, not what is in it
                throw new UncheckedIOException("cannot read wechat.apps-file " + secretsFile.trim(), e);
            }
        }
        return new AppSettings(properties, file);
    }

    /** The names in {@code wechat.apps}, checked. */
    public static List<String> names(String list) {
        List<String> names = new ArrayList<>();
        for (String name : list.split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(trimmed).matches()) {
                throw new IllegalArgumentException("wechat.apps: app names are 1 to 32 of a-z 0-9 - starting with a letter or digit (was \""
                        + trimmed + "\")");
            }
            if (names.contains(trimmed)) {
                throw new IllegalArgumentException("wechat.apps names " + trimmed + " twice");
            }
            names.add(trimmed);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("wechat.apps must name at least one app (e.g. default)");
        }
        return names;
    }

    /** The property key of an app's setting: {@code wechat.app.id} for default, {@code wechat.app.shop.id} for shop. */
    public static String key(String app, String setting) {
        return WxacodeRequest.DEFAULT_APP.equals(app) ? "wechat.app." + setting : "wechat.app." + app + "." + setting;
    }

    /** The environment variable that overrides a key, as the service's properties map them. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The setting's value, or the empty string when neither the properties nor the secrets file have it. */
    public String value(String app, String setting) {
        String key = key(app, setting);
        return properties.apply(key).filter(v -> !v.isBlank())
                .orElseGet(() -> secretsFile.getProperty(key, "")).trim();
    }
}
