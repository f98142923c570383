package dev.wxacode.health;

import java.util.Map;

import dev.wxacode.token.AccessTokenCache;
import dev.wxacode.token.TokenConfigurationException;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Ready only if WeChat issues this service a token. A configuration fault (wrong app id or secret,
 * IP not whitelisted, frozen secret) makes it not ready, with the setting to fix as the message.
 * A WeChat outage does not: requests are then answered 503 with Retry-After, or wait on Kafka.
 */
public final class TokenReadiness extends ReadinessCheck {

    private final AccessTokenCache tokens;

    public TokenReadiness(AccessTokenCache tokens) {
        super("wechat-token");
        this.tokens = tokens;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            tokens.get();
            builder.up();
        } catch (TokenConfigurationException e) {
            builder.down().message(e.getMessage());
        } catch (RuntimeException e) {
            builder.up().detail("token.endpoint", "unavailable: " + e.getMessage());
        }
    }
}
