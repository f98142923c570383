package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.Test;

/**
 * The contract as an integration team finds it: served on the API port without a key, a
 * structurally sound OpenAPI 3.1 document whose every $ref resolves over HTTP, schemas that are
 * valid draft 2020-12, sensible caching, and no read beyond these documents let in without a key.
 */
class PublishedContractTest extends PipelineTestSupport {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String OPENAPI = "/api/openapi.json";
    private static final List<String> SCHEMAS = List.of(ContractSchemas.REQUEST, ContractSchemas.REPLY,
            ContractSchemas.DEAD_LETTER_HEADERS);
    /** Every status the API port answers POST /api/wxacode with (docs/api.md, "Replies"). */
    private static final Set<String> STATUSES = Set.of("200", "400", "401", "404", "405", "408", "413", "414", "415", "417",
            "422", "431", "500", "503");

    @Test
    void theOpenApiDocumentIsServedWithoutAKey() throws Exception {
        HttpResponse<byte[]> response = get(OPENAPI, null);

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        assertArrayEquals(ContractSchemas.resource("openapi.json"), response.body(), "the repository's file, as it is");
        assertEquals("public, max-age=300", response.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));

        JsonNode doc = JSON.readTree(response.body());
        assertTrue(doc.path("openapi").asText().matches("3\\.1\\.\\d+"), "openapi: " + doc.path("openapi"));
        assertFalse(doc.at("/info/title").asText().isBlank());
        assertFalse(doc.at("/info/version").asText().isBlank());
        JsonNode post = doc.at("/paths/~1api~1wxacode/post");
        assertTrue(post.isObject(), "POST /api/wxacode is described");
        assertEquals("schemas/" + ContractSchemas.REQUEST,
                post.at("/requestBody/content/application~1json/schema/$ref").asText(), "the request schema is the one served beside it");
        assertEquals(STATUSES, names(post.path("responses")));
        assertEquals("http", doc.at("/components/securitySchemes/apiKey/type").asText());
        assertEquals("bearer", doc.at("/components/securitySchemes/apiKey/scheme").asText());
        assertTrue(doc.path("security").toString().contains("\"apiKey\""), "the API key is required by default");
        assertEquals("[]", doc.at("/paths/~1api~1openapi.json/get/security").toString(), "the contract itself is public");

        // each error code is answered with one status, and each status names only codes the reply schema has
        JsonNode codes = ContractSchemas.document("schemas/" + ContractSchemas.REPLY).at("/$defs/errorCode/enum");
        Set<String> all = new TreeSet<>();
        codes.forEach(c -> all.add(c.asText()));
        Set<String> byStatus = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = post.path("responses").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            for (JsonNode code : r.getValue().at("/content/application~1json/schema/allOf/1/properties/error/properties/code/enum")) {
                assertTrue(byStatus.add(code.asText()), code + " under two statuses");
            }
        }
        assertEquals(all, byStatus, "every error code has its status");
    }

    @Test
    void everyRefResolvesOverHttpFromTheDocumentsLocation() throws Exception {
        Map<URI, JsonNode> documents = new HashMap<>();
        Set<URI> crawled = new HashSet<>();
        Deque<URI> toCrawl = new ArrayDeque<>(List.of(URI.create(stack.appUrl() + OPENAPI)));
        List<String> broken = new ArrayList<>();
        int followed = 0;
        while (!toCrawl.isEmpty()) {
            URI location = toCrawl.poll();
            if (!crawled.add(location)) {
                continue;
            }
            for (String ref : refs(fetch(documents, location))) {
                followed++;
                String[] parts = ref.split("#", 2);
                // a fragment-only reference points into the same document (URI.resolve gets that one wrong)
                URI document = parts[0].isEmpty() ? location : location.resolve(parts[0]);
                String pointer = parts.length > 1 ? parts[1] : "";
                JsonNode root = fetch(documents, document);
                if (root == null) {
                    broken.add(ref + " in " + location + ": " + document + " is not served without a key");
                } else if (root.at(pointer).isMissingNode()) {
                    broken.add(ref + " in " + location + ": no " + pointer + " in " + document);
                } else {
                    toCrawl.add(document);
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(followed > 20, "refs followed: " + followed);
        assertEquals(1 + SCHEMAS.size(), crawled.size(), "the document and every schema, all reached: " + crawled);
    }

    /** A document by its URL, without a key, fetched once; null when it is not served. */
    private static JsonNode fetch(Map<URI, JsonNode> documents, URI location) throws IOException, InterruptedException {
        if (!documents.containsKey(location)) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(location).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            documents.put(location, response.statusCode() == 200 ? JSON.readTree(response.body()) : null);
        }
        return documents.get(location);
    }

    @Test
    void eachSchemaIsServedWithoutAKeyAndIsAValidDraft202012Schema() throws Exception {
        Schema metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        for (String name : SCHEMAS) {
            HttpResponse<byte[]> response = get("/api/schemas/" + name, null);

            assertEquals(200, response.statusCode(), name);
            assertEquals("application/schema+json", response.headers().firstValue("Content-Type").orElse(null), name);
            assertArrayEquals(ContractSchemas.resource("schemas/" + name), response.body(), name);
            assertEquals(List.of(), ContractSchemas.errors(metaSchema, response.body()), name + " by the 2020-12 meta-schema");
            assertEquals("https://json-schema.org/draft/2020-12/schema", JSON.readTree(response.body()).path("$schema").asText());
            assertNotNull(ContractSchemas.schema(name), name + " compiles, every $ref resolved");
        }
    }

    @Test
    void anUnchangedDocumentIsAnswered304AndAHeadCarriesNoBody() throws Exception {
        HttpResponse<byte[]> first = get(OPENAPI, null);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);

        HttpResponse<byte[]> again = HTTP.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + OPENAPI))
                .header("If-None-Match", "\"other\", " + etag).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals(etag, again.headers().firstValue("ETag").orElse(null));

        HttpResponse<byte[]> changed = HTTP.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + OPENAPI))
                .header("If-None-Match", "\"other\"").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, changed.statusCode());

        HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/schemas/" + ContractSchemas.REQUEST))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(String.valueOf(ContractSchemas.resource("schemas/" + ContractSchemas.REQUEST).length),
                head.headers().firstValue("Content-Length").orElse(null));
    }

    @Test
    void onlyTheseReadsAreOpenWithoutAKey() throws Exception {
        String key = "Bearer " + LocalStack.TEST_API_KEY;
        assertRefused(get("/api/wxacode", null), 401, "unauthorized");
        assertRefused(get("/api/schemas/nothing.schema.json", null), 401, "unauthorized");
        assertRefused(get("/api/schemas/", null), 401, "unauthorized");
        assertRefused(get(OPENAPI + "/", null), 401, "unauthorized");
        assertRefused(get("/api/OPENAPI.json", null), 401, "unauthorized");
        assertRefused(get("/nothing-here", null), 401, "unauthorized");
        assertRefused(send("POST", OPENAPI, null), 401, "unauthorized");
        assertRefused(send("PUT", "/api/schemas/" + ContractSchemas.REQUEST, null), 401, "unauthorized");
        assertEquals(401, post("{\"scene\":\"no-key\"}", "application/json", null).status());

        // with a key: the ordinary answers of the web layer
        assertRefused(get("/api/schemas/nothing.schema.json", key), 404, "not_found");
        HttpResponse<byte[]> notGet = send("POST", OPENAPI, key);
        assertRefused(notGet, 405, "method_not_allowed");
        assertTrue(new String(notGet.body()).contains("GET only"), new String(notGet.body()));
        // a key does no harm to a public read
        assertEquals(200, get(OPENAPI, key).statusCode());
        assertEquals(0, sim().codeCalls());
    }

    @Test
    void aBodySentWithAPublicReadIsNotReadTheConnectionIsClosed() throws Exception {
        try (RawHttp client = RawHttp.connect(stack.appUrl())) {
            RawHttp.Answer answer = client.send("GET " + OPENAPI + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
                    .read(Duration.ofSeconds(2));
            assertEquals(200, answer.status());
            assertEquals("close", answer.header("Connection"));
            assertTrue(client.closedWithin(Duration.ofSeconds(2)), "closed without waiting for the megabyte");
        }
    }

    private static void assertRefused(HttpResponse<byte[]> response, int status, String code) throws IOException {
        String body = new String(response.body());
        assertEquals(status, response.statusCode(), body);
        assertEquals(code, JSON.readTree(response.body()).at("/error/code").asText(), body);
        assertEquals(List.of(), ContractSchemas.replyProblems(status, response.body()), body);
    }

    private static HttpResponse<byte[]> get(String path, String authorization) throws IOException, InterruptedException {
        return send("GET", path, authorization);
    }

    private static HttpResponse<byte[]> send(String method, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.appUrl() + path));
        if (method.equals("GET")) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"));
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Every $ref in a document, wherever it sits. */
    private static List<String> refs(JsonNode node) {
        List<String> refs = new ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    refs.add(e.getValue().asText());
                } else {
                    refs.addAll(refs(e.getValue()));
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> refs.addAll(refs(child)));
        }
        return refs;
    }
}
