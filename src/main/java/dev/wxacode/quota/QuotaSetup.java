package dev.wxacode.quota;

import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.wxacode.core.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How this instance takes part in the deployment's quota (docs/scaling.md), from the wechat.pace.* settings. */
public final class QuotaSetup {

    private static final Logger LOG = LoggerFactory.getLogger(QuotaSetup.class);

    private QuotaSetup() {
    }

    /**
     * Negotiated through Kafka (none until the group assigns a part), one of wechat.pace.instances,
     * or all of it (a lone instance without Kafka, or pacing off).
     */
    public static QuotaShare share(Settings settings) {
        int instances = settings.number("wechat.pace.instances");
        if (instances < 0) {
            throw new IllegalArgumentException("wechat.pace.instances must be 0 (shared through Kafka) or more (was " + instances + ")");
        }
        return instances > 0 ? QuotaShare.oneOf(instances) : coordinated(settings) ? QuotaShare.none() : QuotaShare.whole();
    }

    /**
     * With Kafka and no fixed instance count, the instances negotiate their shares in a consumer
     * group and tell each other of a 45009 ({@link QuotaCoordination}, started and stopped with
     * Camel; stopping leaves the group, so the others take the share at once); otherwise nobody is told.
     *
     * @param consumerProperties brokers and security, as camel-kafka's own consumers have them
     * @param producerProperties the same for a producer
     * @param heard              called with the app id of every 45009 another instance announced
     */
    public static QuotaAlarm alarm(Settings settings, QuotaShare share, Supplier<Properties> consumerProperties,
                                   Supplier<Properties> producerProperties, Consumer<String> heard) throws Exception {
        if (!coordinated(settings)) {
            int callsPerMinute = settings.number("wechat.pace.calls-per-minute");
            if (!settings.flag("kafka.enabled") && settings.number("wechat.pace.instances") == 0 && callsPerMinute > 0) {
                LOG.warn("Kafka is off and wechat.pace.instances is 0: this instance paces each app to all of {} calls a minute;"
                        + " with several instances set wechat.pace.instances to their number", callsPerMinute);
            }
            return QuotaAlarm.NONE;
        }
        QuotaCoordination coordination = new QuotaCoordination(consumerProperties, producerProperties,
                settings.text("wechat.pace.coordination.group"), settings.text("wechat.pace.coordination.topic"),
                settings.number("wechat.pace.coordination.partitions"), settings.text("wechat.pace.coordination.events-topic"),
                settings.millis("wechat.pace.coordination.session-timeout-ms"), share, heard);
        settings.context().addService(coordination, true);
        return coordination;
    }

    /** Whether the instances negotiate their parts through Kafka: it is on, pacing is on, and no fixed count is set. */
    private static boolean coordinated(Settings settings) {
        return settings.flag("kafka.enabled") && settings.number("wechat.pace.instances") == 0
                && settings.number("wechat.pace.calls-per-minute") > 0;
    }
}
