package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Who may call the HTTP API, and with what. */
class HttpAccessTest extends PipelineTestSupport {

    private static final String BODY = "{\"scene\":\"access=1\"}";

    @ParameterizedTest(name = "Authorization: {0}")
    @NullSource
    @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer wrong-key",
            "Bearer " + LocalStack.TEST_API_KEY + "x",
            // the right key but its last character
            "Bearer test-api-key-9f8e7d6c5b4b",
            "Basic " + LocalStack.TEST_API_KEY,
            LocalStack.TEST_API_KEY})
    void aMissingOrWrongKeyIsRefusedWith401(String authorization) throws Exception {
        HttpResponse<String> response = postWithHeaders(BODY, "application/json", authorization);
        JsonNode reply = JSON.readTree(response.body());

        assertEquals(401, response.statusCode(), response.body());
        assertAsksForABearerKey(response);
        assertEquals("unauthorized", reply.path("error").path("code").asText());
        assertFalse(response.body().contains(LocalStack.TEST_API_KEY), "the key is never echoed");
        assertEquals(0, sim().codeCalls());
    }

    /** RFC 9110 11.6.1: a 401 names the scheme the client is to use, here exactly one challenge: Bearer. */
    private static void assertAsksForABearerKey(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals(List.of("Bearer"), response.headers().allValues("WWW-Authenticate"),
                "WWW-Authenticate of a 401: " + response.headers().map());
    }

    @Test
    void theRightKeyIsLetIn() throws Exception {
        assertEquals(200, post(BODY, "application/json", "Bearer " + LocalStack.TEST_API_KEY).status());
        assertEquals(200, post(BODY, "application/json; charset=utf-8", "bearer " + LocalStack.TEST_API_KEY).status());
    }

    @ParameterizedTest(name = "Content-Type: {0}")
    @NullSource
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"})
    void aBodyThatIsNotJsonByItsTypeIsRefusedWith415(String contentType) throws Exception {
        Reply reply = post(BODY, contentType, "Bearer " + LocalStack.TEST_API_KEY);

        assertEquals(415, reply.status(), reply.body().toString());
        assertEquals("unsupported_media_type", reply.error().path("code").asText());
    }

    @Test
    void keysFromAMountedFileWorkSideBySideForRotation() throws Exception {
        Path file = Files.createTempFile("api-keys", ".txt");
        Files.writeString(file, "# rotated on Monday\nold-key-1111\nnew-key-2222\n");
        try {
            stack.stopApp();
            stack.with("http.auth.api-key", "").with("http.auth.api-keys-file", file.toString());
            stack.startApp();

            assertEquals(200, post(BODY, "application/json", "Bearer old-key-1111").status());
            assertEquals(200, post(BODY, "application/json", "Bearer new-key-2222").status());
            assertAsksForABearerKey(postWithHeaders(BODY, "application/json", "Bearer " + LocalStack.TEST_API_KEY));
        } finally {
            stack.stopApp();
            stack.with("http.auth.api-key", LocalStack.TEST_API_KEY).with("http.auth.api-keys-file", "");
            stack.startApp();
            Files.delete(file);
        }
    }

    @Test
    void openModeNeedsToBeAskedFor() throws Exception {
        try {
            restartAppWith("http.auth.mode", "none");
            assertEquals(200, post(BODY, "application/json", null).status());
        } finally {
            restartAppWith("http.auth.mode", "api-key");
        }
    }
}
