package dev.wxacode.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void noKeyConfiguredStopsStartUpAndSaysWhatToSet() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeys.of(" , ", ""));

        assertTrue(e.getMessage().contains("HTTP_AUTH_API_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains("http.auth.mode=none"), e.getMessage());
    }

    @Test
    void anyOfSeveralKeysIsAccepted() {
        ApiKeys keys = ApiKeys.of("first-key, second-key", null);

        assertDoesNotThrow(() -> keys.check("Bearer first-key"));
        assertDoesNotThrow(() -> keys.check("Bearer second-key"));
        assertThrows(UnauthorizedException.class, () -> keys.check("Bearer third-key"));
    }

    @Test
    void anUnreadableKeyFileIsReportedWithoutItsContents() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeys.of("", "/no/such/keys.txt"));

        assertTrue(e.getMessage().contains("/no/such/keys.txt"), e.getMessage());
    }

    @Test
    void openLetsEveryoneIn() {
        assertDoesNotThrow(() -> ApiKeys.open().check(null));
    }
}
