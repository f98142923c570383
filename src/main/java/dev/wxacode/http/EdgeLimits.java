package dev.wxacode.http;

import java.time.Duration;

import dev.wxacode.core.Settings;
import org.apache.camel.CamelContext;

/**
 * What one anonymous connection may cost the API port before it has shown a key: the bytes of a
 * request's head and body, the time to send them, and how many connections may be open at once.
 * Together they bound what any client can make the service hold (docs/reliability.md, attack figures).
 *
 * @param readTimeout    a connection must deliver a request's headers within this time of being
 *                       opened or of its previous answer, and then the body within this time again
 * @param maxHeaderBytes request line and headers together; more is answered 431 (or 414 for the line)
 * @param maxBodyBytes   enforced while reading, after the key check; more is answered 413
 * @param maxConnections connections beyond this many are closed as soon as they are accepted
 */
public record EdgeLimits(Duration readTimeout, int maxHeaderBytes, long maxBodyBytes, int maxConnections) {

    /** The request line alone: Vert.x checks it apart from the headers. */
    public int maxInitialLineBytes() {
        return Math.min(maxHeaderBytes, 4096);
    }

    /** From http.read-timeout-ms, http.max-header-bytes, wxacode.max-request-bytes and http.max-connections. */
    public static EdgeLimits of(CamelContext context) {
        return new EdgeLimits(Duration.ofMillis(positive(context, "http.read-timeout-ms")),
                (int) positive(context, "http.max-header-bytes"),
                positive(context, "wxacode.max-request-bytes"),
                (int) positive(context, "http.max-connections"));
    }

    private static long positive(CamelContext context, String key) {
        String value = new Settings(context).text(key);
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number (was \"" + value + "\")");
        }
        if (parsed <= 0 || parsed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be between 1 and " + Integer.MAX_VALUE + " (was " + parsed + ")");
        }
        return parsed;
    }
}
