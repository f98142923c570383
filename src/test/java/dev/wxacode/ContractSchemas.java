package dev.wxacode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The published JSON Schemas as an integration team's validator sees them: loaded from the same
 * classpath files the API port serves, and applied to the bytes of a message as a generic JSON
 * reader parses them (one JSON value, a repeated member name keeps its last value).
 */
final class ContractSchemas {

    static final String REQUEST = "wxacode-request.schema.json";
    static final String REPLY = "wxacode-reply.schema.json";
    static final String DEAD_LETTER_HEADERS = "wxacode-dead-letter-headers.schema.json";

    private static final JsonMapper READER = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private static final ObjectMapper DOCUMENTS = new ObjectMapper();
    private static final Schema REPLY_SCHEMA = schema(REPLY);

    private ContractSchemas() {
    }

    /** A published document as it lies on the classpath, under contract/. */
    static byte[] resource(String path) {
        try (InputStream in = ContractSchemas.class.getClassLoader().getResourceAsStream("contract/" + path)) {
            if (in == null) {
                throw new IllegalStateException("no contract/" + path + " on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode document(String path) {
        try {
            return DOCUMENTS.readTree(resource(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What is wrong with an answer of POST /api/wxacode by the contract: its body by the reply
     * schema, its status and error code by the OpenAPI document, and any field the reply schema does
     * not declare (the schema lets replies grow, so it would not notice one itself).
     */
    static List<String> replyProblems(int status, byte[] body) {
        List<String> problems = new ArrayList<>(errors(REPLY_SCHEMA, body));
        if (!problems.isEmpty()) {
            return problems;
        }
        JsonNode reply;
        try {
            reply = DOCUMENTS.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode response = document("openapi.json")
                .at("/paths/~1api~1wxacode/post/responses/" + status);
        String code = reply.at("/error/code").asText();
        if (response.isMissingNode()) {
            problems.add("status " + status + " is not in the OpenAPI document");
        } else if (status == 200 != reply.path("status").asText().equals("ok")) {
            problems.add("status " + status + " with a reply whose status is " + reply.path("status"));
        } else if (status != 200 && !names(response.at("/content/application~1json/schema/allOf/1/properties/error/properties/code/enum"))
                .contains(code)) {
            problems.add("error code " + code + " is not among the OpenAPI document's codes for status " + status);
        }
        JsonNode defs = document("schemas/" + REPLY).path("$defs");
        undeclared(reply, defs.at(status == 200 ? "/okReply/properties" : "/errorReply/properties"), "", problems);
        undeclared(reply.path("error"), defs.at("/error/properties"), "error.", problems);
        for (JsonNode violation : reply.at("/error/violations")) {
            undeclared(violation, defs.at("/violation/properties"), "error.violations[].", problems);
        }
        return problems;
    }

    private static void undeclared(JsonNode object, JsonNode declared,
                                   String prefix, List<String> problems) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!declared.has(name)) {
                problems.add("field " + prefix + name + " is not declared in the reply schema");
            }
        }
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new TreeSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    static Schema schema(String name) {
        Schema schema = REGISTRY.getSchema(SchemaLocation.of("classpath:contract/schemas/" + name));
        // resolves every $ref now, so a broken one fails here rather than on the first instance that reaches it
        schema.initializeValidators();
        return schema;
    }

    /** What the schema finds wrong with a message: nothing when it is valid. */
    static List<String> errors(Schema schema, byte[] message) {
        tools.jackson.databind.JsonNode instance;
        try {
            instance = READER.readTree(message);
        } catch (JacksonException notJson) {
            return List.of("not one JSON value: " + notJson.getOriginalMessage());
        }
        if (instance == null || instance.isMissingNode()) {
            return List.of("not one JSON value: empty");
        }
        return schema.validate(instance).stream().map(Error::toString).toList();
    }

    static List<String> errors(Schema schema, String message) {
        return errors(schema, message.getBytes(StandardCharsets.UTF_8));
    }
}
