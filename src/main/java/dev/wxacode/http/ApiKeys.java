package dev.wxacode.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The API keys HTTP callers must present as {@code Authorization: Bearer <key>}. Only digests are
 * kept, and a presented key is compared with each of them in constant time, so neither the keys'
 * contents nor their lengths leak through timing.
 */
public final class ApiKeys {

    private final List<byte[]> digests;
    private final boolean open;

    private ApiKeys(List<byte[]> digests, boolean open) {
        this.digests = digests;
        this.open = open;
    }

    /** No check at all: only when the configuration says so in as many words. */
    public static ApiKeys open() {
        return new ApiKeys(List.of(), true);
    }

    /**
     * @param keys    comma-separated keys (several, to rotate without downtime)
     * @param keyFile a file with one key per line (a mounted secret), or blank
     */
    public static ApiKeys of(String keys, String keyFile) {
        List<String> all = new ArrayList<>();
        if (keys != null) {
            Arrays.stream(keys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(all::add);
        }
        if (keyFile != null && !keyFile.isBlank()) {
            try {
                Files.readAllLines(Path.of(keyFile), StandardCharsets.UTF_8).stream()
                        .map(String::trim).filter(k -> !k.isEmpty() && !k.startsWith("#")).forEach(all::add);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read http.auth.api-keys-file " + keyFile + ": " + e.getClass().getSimpleName());
            }
        }
        if (all.isEmpty()) {
            throw new IllegalStateException("no HTTP API key is configured: set http.auth.api-key (HTTP_AUTH_API_KEY) or "
                    + "http.auth.api-keys-file (HTTP_AUTH_API_KEYS_FILE), or http.auth.mode=none (HTTP_AUTH_MODE) to run open");
        }
        return new ApiKeys(all.stream().map(ApiKeys::digest).toList(), false);
    }

    /** Throws unless the Authorization header carries one of the keys. */
    public void check(String authorization) {
        if (open) {
            return;
        }
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            throw new UnauthorizedException("an API key is required: Authorization: Bearer <key>");
        }
        byte[] presented = digest(authorization.substring("bearer ".length()).trim());
        boolean match = false;
        for (byte[] known : digests) {
            // no early exit: every key is compared, whichever matches
            match |= MessageDigest.isEqual(known, presented);
        }
        if (!match) {
            throw new UnauthorizedException("the API key is not valid");
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
