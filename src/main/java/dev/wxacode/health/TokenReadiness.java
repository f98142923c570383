package dev.wxacode.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.wxacode.apps.MiniProgram;
import dev.wxacode.apps.MiniPrograms;
import dev.wxacode.token.TokenConfigurationException;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Ready only if WeChat issues this service a token for every configured app. A configuration fault
 * (wrong app id or secret, IP not whitelisted, frozen secret) makes it not ready, with the app and
 * the setting to fix as the message. A WeChat outage does not: requests are then answered 503 with
 * Retry-After, or wait on Kafka.
 */
public final class TokenReadiness extends ReadinessCheck {

    private final MiniPrograms programs;

    public TokenReadiness(MiniPrograms programs) {
        super("wechat-token");
        this.programs = programs;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> faults = new ArrayList<>();
        for (MiniProgram program : programs.all()) {
            try {
                program.tokens().get();
                builder.detail("app." + program.name(), "token available for app id " + program.appId());
            } catch (TokenConfigurationException e) {
                faults.add(e.getMessage());
                builder.detail("app." + program.name(), e.getMessage());
            } catch (RuntimeException e) {
                builder.detail("app." + program.name(), "token endpoint unavailable: " + e.getMessage());
            }
        }
        if (faults.isEmpty()) {
            builder.up();
        } else {
            builder.down().message(String.join("; ", faults));
        }
    }
}
