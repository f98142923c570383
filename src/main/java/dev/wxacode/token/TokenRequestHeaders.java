package dev.wxacode.token;

import java.util.function.BiConsumer;

/** Headers each token request carries besides its own: the trace context when tracing is on. */
@FunctionalInterface
public interface TokenRequestHeaders {

    TokenRequestHeaders NONE = header -> {
    };

    void addTo(BiConsumer<String, String> header);
}
