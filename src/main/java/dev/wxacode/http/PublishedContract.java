package dev.wxacode.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The service's contract, served on the API port: the OpenAPI document and the JSON Schemas it
 * refers to (classpath contract/, the same files as in the repository). Served from the jar rather
 * than from a route file, so that a deployment mounting routes of its own still publishes the
 * contract of the code it runs. A contract is public: these GETs need no API key (EdgeGate asks
 * {@link #isPublicRead}), and as they are answered from memory without reading a body they give an
 * anonymous client nothing more to hold than any refused request does.
 */
final class PublishedContract implements Handler<RoutingContext> {

    static final String OPENAPI_PATH = "/api/openapi.json";
    static final String SCHEMAS_PATH = "/api/schemas/";
    /** Short enough that a new deployment's contract is seen within minutes, long enough to spare repeated reads. */
    static final String CACHE_CONTROL = "public, max-age=300";
    private static final String RESOURCES = "contract/";
    private static final Set<String> SCHEMAS = Set.of("wxacode-request.schema.json", "wxacode-reply.schema.json",
            "wxacode-dead-letter-headers.schema.json");

    private record Document(byte[] bytes, String contentType, String etag) {
    }

    private final Map<String, Document> byPath = new LinkedHashMap<>();

    PublishedContract() {
        byPath.put(OPENAPI_PATH, load("openapi.json", "application/json"));
        // sorted, so the router's routes come in a stable order
        SCHEMAS.stream().sorted().forEach(name -> byPath.put(SCHEMAS_PATH + name, load("schemas/" + name, "application/schema+json")));
    }

    /** The exact paths served; anything else under /api/schemas/ is not found. */
    Set<String> paths() {
        return byPath.keySet();
    }

    /**
     * A read of a published document: the one kind of request the API port answers without a key.
     * The path is the router's normalized one, so what is let through is exactly what is served.
     */
    boolean isPublicRead(HttpMethod method, String normalizedPath) {
        return (method == HttpMethod.GET || method == HttpMethod.HEAD) && byPath.containsKey(normalizedPath);
    }

    /** For the web layer's 405: which methods a path takes. */
    boolean publishes(String normalizedPath) {
        return byPath.containsKey(normalizedPath);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Document document = byPath.get(ctx.normalizedPath());
        if (document == null) {
            ctx.next();
            return;
        }
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response()
                .putHeader("Cache-Control", CACHE_CONTROL)
                .putHeader("ETag", document.etag())
                // tools that render the contract in a browser (an API portal, an editor) may fetch it from another origin
                .putHeader("Access-Control-Allow-Origin", "*")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (announcesBody(request)) {
            // nobody sends a body with a GET but to make the server read it: it is not read
            response.putHeader("Connection", "close");
        }
        if (matches(request.getHeader("If-None-Match"), document.etag())) {
            finish(response.setStatusCode(304), null);
        } else {
            response.setStatusCode(200).putHeader("Content-Type", document.contentType())
                    .putHeader("Content-Length", String.valueOf(document.bytes().length));
            finish(response, request.method() == HttpMethod.HEAD ? null : Buffer.buffer(document.bytes()));
        }
    }

    private static void finish(HttpServerResponse response, Buffer body) {
        boolean close = "close".equals(response.headers().get("Connection"));
        (body == null ? response.end() : response.end(body)).onComplete(done -> {
            if (close) {
                response.close();
            }
        });
    }

    private static boolean announcesBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null || (length != null && !length.trim().equals("0"));
    }

    /** If-None-Match: "*", or a list of tags compared weakly (RFC 9110, 13.1.2). */
    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static Document load(String name, String contentType) {
        try (InputStream in = PublishedContract.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the contract's " + RESOURCES + name + " is missing from the classpath");
            }
            byte[] bytes = in.readAllBytes();
            return new Document(bytes, contentType, "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 16) + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the contract's " + name, e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
