package dev.wxacode.quota;

/** Tells the other instances of the deployment that WeChat answered 45009 for an app. */
@FunctionalInterface
public interface QuotaAlarm {

    /** Nobody else to tell: a single instance, or a deployment without Kafka. */
    QuotaAlarm NONE = appId -> { };

    void quotaExceeded(String appId);
}
