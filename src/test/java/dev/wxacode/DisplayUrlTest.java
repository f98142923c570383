package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** wxacode.display-url.lifetime-seconds: ok replies carry a presigned GET URL any plain HTTP client can fetch. */
class DisplayUrlTest extends PipelineTestSupport {

    private static final HttpClient PLAIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void noUrlUnlessSwitchedOn() throws Exception {
        Reply reply = post("{\"scene\":\"display-off\"}");

        assertEquals(200, reply.status());
        assertFalse(reply.body().has("url"), reply.body().toString());
        assertFalse(reply.body().has("urlExpiresAt"));
    }

    @Test
    void theUrlServesTheImageUntilItExpires() throws Exception {
        try {
            // 8 s: two requests and a fetch must fit in it on a loaded 2-core machine (3 s did not always)
            restartAppWith("wxacode.display-url.lifetime-seconds", "8");
            Instant asked = Instant.now();
            Reply stored = post("{\"scene\":\"display-on\"}");
            Reply reused = post("{\"scene\":\"display-on\"}");

            assertEquals(200, stored.status(), stored.body().toString());
            Instant expiresAt = Instant.parse(stored.text("urlExpiresAt"));
            assertTrue(!expiresAt.isBefore(asked.plusSeconds(7)) && !expiresAt.isAfter(Instant.now().plusSeconds(9)), expiresAt.toString());
            assertTrue(reused.body().path("reused").asBoolean());
            assertTrue(reused.body().has("url"), "a reused code gets a fresh URL too");

            HttpResponse<byte[]> image = get(stored.text("url"));
            assertEquals(200, image.statusCode());
            assertEquals("image/jpeg", image.headers().firstValue("Content-Type").orElse(""));
            assertArrayEquals(object(stored.text("key")).asByteArray(), image.body());

            Thread.sleep(Duration.between(Instant.now(), expiresAt).toMillis() + 1500);
            assertEquals(403, get(stored.text("url")).statusCode(), "expired");
        } finally {
            restartAppWith("wxacode.display-url.lifetime-seconds", "0");
        }
    }

    @Test
    void aLifetimeBeyondSigV4sSevenDaysIsRefusedAtStart() throws Exception {
        try {
            Exception failed = assertThrows(Exception.class, () -> restartAppWith("wxacode.display-url.lifetime-seconds", "604801"));
            IllegalArgumentException refused = illegalArgumentIn(failed);
            assertNotNull(refused, failed.toString());
            assertTrue(refused.getMessage().contains("wxacode.display-url.lifetime-seconds"), refused.getMessage());
        } finally {
            restartAppWith("wxacode.display-url.lifetime-seconds", "0");
        }
    }

    private static HttpResponse<byte[]> get(String url) throws Exception {
        return PLAIN.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
