package dev.wxacode.http;

import java.util.Locale;

import dev.wxacode.core.Settings;

/**
 * What an HTTP request must show in its head before its body is read: a valid API key, then a
 * JSON content type. Both come from real request headers only, never from the query string.
 */
public final class HttpGate {

    private final ApiKeys keys;

    public HttpGate(ApiKeys keys) {
        this.keys = keys;
    }

    /** As http.auth.mode says: api-key (the keys of http.auth.api-key and http.auth.api-keys-file) or none. */
    public static HttpGate of(Settings settings) {
        String mode = settings.text("http.auth.mode");
        return switch (mode) {
            case "none" -> new HttpGate(ApiKeys.open());
            case "api-key" -> new HttpGate(ApiKeys.of(settings.text("http.auth.api-key"), settings.text("http.auth.api-keys-file")));
            default -> throw new IllegalArgumentException("http.auth.mode must be api-key or none (was " + mode + ")");
        };
    }

    /** Throws {@link UnauthorizedException} unless the Authorization header carries one of the keys. */
    public void checkKey(String authorization) {
        keys.check(authorization);
    }

    /** Throws {@link UnsupportedMediaTypeException} unless the body is declared as JSON. */
    public void checkContentType(String contentType) {
        if (!isJson(contentType)) {
            throw new UnsupportedMediaTypeException(contentType);
        }
    }

    /** application/json, or a +json type, with or without parameters such as charset. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
