package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.wxacode.core.MessageHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.support.PatternHelper;
import org.junit.jupiter.api.Test;

/**
 * The headers the pipeline keeps while it drops all others are written twice: in the routes'
 * removeHeaders steps (excludePattern) and in MessageHeaders, which the beans use. Both must keep
 * Camel's redelivery bookkeeping, or the error policy loses count of its retries.
 */
class HeaderKeepListTest {

    private static final Pattern REMOVE_HEADERS = Pattern.compile("removeHeaders:\\s*\\n((?:\\s+\\w+:.*\\n)+)");
    private static final Pattern EXCLUDE = Pattern.compile("excludePattern:\\s*\"?([^\"\\n]+)\"?");

    @Test
    void everyRemoveHeadersStepKeepsWhatTheBeansKeep() throws Exception {
        List<String> steps = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Matcher step = REMOVE_HEADERS.matcher(Files.readString(file));
                while (step.find()) {
                    Matcher exclude = EXCLUDE.matcher(step.group(1));
                    assertTrue(exclude.find(), file + ": a removeHeaders step without excludePattern drops "
                            + MessageHeaders.KEPT + ":\n" + step.group());
                    String pattern = exclude.group(1).trim();
                    for (String kept : MessageHeaders.KEPT) {
                        assertTrue(PatternHelper.matchPattern(kept, pattern), file + ": excludePattern " + pattern + " drops " + kept);
                    }
                    steps.add(file.getFileName() + ": " + pattern);
                }
            }
        }
        assertFalse(steps.isEmpty(), "no removeHeaders step found under routes/: has the layout changed?");
    }

    @Test
    void theBeansKeepEveryRedeliveryHeaderCamelHas() throws Exception {
        Set<String> redelivery = new TreeSet<>();
        for (Field field : Exchange.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.get(null) instanceof String name && name.startsWith("CamelRedeliver")) {
                redelivery.add(name);
            }
        }
        assertEquals(redelivery, new TreeSet<>(MessageHeaders.KEPT));
    }
}
