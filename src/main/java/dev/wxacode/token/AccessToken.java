package dev.wxacode.token;

import java.util.Objects;

/**
 * An access token and the lifetime WeChat gave it. Its {@code toString} is masked on purpose:
 * tokens end up in exception messages and debug logs far too easily.
 */
public final class AccessToken {

    private final String value;
    private final long expiresInSeconds;

    public AccessToken(String value, long expiresInSeconds) {
        this.value = Objects.requireNonNull(value, "value");
        this.expiresInSeconds = expiresInSeconds;
    }

    public String value() {
        return value;
    }

    public long expiresInSeconds() {
        return expiresInSeconds;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessToken other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "AccessToken[****, expiresIn=" + expiresInSeconds + "s]";
    }
}
