package dev.wxacode.health;

import java.util.Map;

import dev.wxacode.quota.QuotaShare;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Ready only while this instance holds a part of the apps' quota, when it paces at all. One without
 * a part (the coordination group has not assigned it one yet, or the deployment has more instances
 * than coordination partitions) makes no WeChat call: an HTTP request sent to it would wait for
 * one as long as the group's session timeout and be answered 503, so it should get none.
 */
public final class QuotaReadiness extends ReadinessCheck {

    private final QuotaShare share;
    private final boolean pacing;

    /** @param pacing false when wechat.pace.calls-per-minute is 0: no call waits for a share then */
    public QuotaReadiness(QuotaShare share, boolean pacing) {
        super("quota-share");
        this.share = share;
        this.pacing = pacing;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("share", share.toString());
        if (!pacing || share.owned() > 0) {
            builder.up();
        } else {
            builder.down().message("this instance holds no part of the apps' quota (" + share + " coordination partitions):"
                    + " waiting for the coordination group (wechat.pace.coordination.*) to assign it one");
        }
    }
}
