package dev.wxacode.core;

import java.time.Duration;

import org.apache.camel.CamelContext;

/**
 * The service's settings by name, as application.properties and the environment give them: read
 * where each part of the service is built from them, trimmed, and refused with the setting's name
 * when a value cannot be what it is for.
 */
public record Settings(CamelContext context) {

    public String text(String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}").trim();
    }

    public int number(String key) {
        String value = text(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number (was \"" + value + "\")");
        }
    }

    public boolean flag(String key) {
        String value = text(key);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false (was \"" + value + "\")");
        };
    }

    public Duration millis(String key) {
        return Duration.ofMillis(number(key));
    }

    public Duration seconds(String key) {
        return Duration.ofSeconds(number(key));
    }
}
