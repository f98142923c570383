package dev.wxacode.token;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class AccessTokenTest {

    @Test
    void toStringDoesNotRevealTheTokenValue() {
        String secret = "ACCESS_TOKEN_SECRET_123";

        assertFalse(new AccessToken(secret, 7200).toString().contains(secret));
    }
}
