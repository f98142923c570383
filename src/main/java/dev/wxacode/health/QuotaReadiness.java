package dev.wxacode.health;

import java.util.Map;

import dev.wxacode.quota.QuotaShare;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Ready only while this instance holds a part of the apps' quota (always, unless the part is
 * negotiated through Kafka: QuotaSetup). One without a part (the coordination group has not assigned
 * it one yet, or the deployment has more instances than coordination partitions) makes no WeChat
 * call: an HTTP request sent to it would wait for one as long as the group's session timeout and be
 * answered 503, so it should get none.
 */
public final class QuotaReadiness extends ReadinessCheck {

    private final QuotaShare share;

    public QuotaReadiness(QuotaShare share) {
        super("quota-share");
        this.share = share;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("share", share.toString());
        if (share.owned() > 0) {
            builder.up();
        } else {
            builder.down().message("this instance holds no part of the apps' quota (" + share + " coordination partitions):"
                    + " waiting for the coordination group (wechat.pace.coordination.*) to assign it one");
        }
    }
}
