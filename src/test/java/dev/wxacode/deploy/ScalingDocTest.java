package dev.wxacode.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wxacode.token.AppSettings;
import org.junit.jupiter.api.Test;

/** docs/scaling.md's settings table says what application.properties sets: every wechat.pace.* key, its variable and default. */
class ScalingDocTest {

    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(wechat\\.pace\\.[a-z.-]+)` \\| `([A-Z_]+)` \\| `([^`]*)` \\|");

    @Test
    void theSettingsTableIsApplicationProperties() {
        Properties properties = DeployFiles.properties();
        Set<String> keys = new TreeSet<>();
        properties.stringPropertyNames().stream().filter(k -> k.startsWith("wechat.pace.")).forEach(keys::add);

        Set<String> documented = new TreeSet<>();
        Matcher row = ROW.matcher(DeployFiles.read(Path.of("docs", "scaling.md")));
        while (row.find()) {
            String key = row.group(1);
            documented.add(key);
            assertEquals(AppSettings.environmentName(key), row.group(2), key);
            assertEquals(properties.getProperty(key), row.group(3), key + "'s default");
        }
        assertTrue(!keys.isEmpty());
        assertEquals(keys, documented, "the wechat.pace.* settings in docs/scaling.md");
    }
}
