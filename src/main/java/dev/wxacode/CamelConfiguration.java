package dev.wxacode;

import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.apps.MiniPrograms;
import dev.wxacode.apps.MiniProgramsSetup;
import dev.wxacode.core.Settings;
import dev.wxacode.health.QuotaReadiness;
import dev.wxacode.health.StorageReadiness;
import dev.wxacode.health.TokenReadiness;
import dev.wxacode.kafka.KafkaClientProperties;
import dev.wxacode.observe.CountedTokenSource;
import dev.wxacode.observe.LimitedCodeUsage;
import dev.wxacode.observe.PipelineMetrics;
import dev.wxacode.observe.RetryCounter;
import dev.wxacode.quota.QuotaAlarm;
import dev.wxacode.quota.QuotaSetup;
import dev.wxacode.quota.QuotaShare;
import dev.wxacode.request.RequestReader;
import dev.wxacode.steps.CodeStorage;
import dev.wxacode.steps.Failures;
import dev.wxacode.steps.Replies;
import dev.wxacode.steps.RequestIntake;
import dev.wxacode.steps.RequestTracking;
import dev.wxacode.steps.WechatCodeCall;
import dev.wxacode.store.BucketCheck;
import dev.wxacode.store.BucketWriteCheck;
import dev.wxacode.store.DisplayUrls;
import dev.wxacode.store.KnownObjects;
import dev.wxacode.store.SingleFlight;
import dev.wxacode.tracing.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The index of the beans the routes use, each built by its own package (the setup and factory
 * methods) from application.properties, every value overridable by environment. The ingresses'
 * own beans are in {@link dev.wxacode.http.HttpBeans} and {@link dev.wxacode.kafka.KafkaBeans},
 * the S3 client's in {@link dev.wxacode.store.StorageBeans}. Beans that others need are made by
 * the private methods at the bottom, once each, as Camel binds the beans of a configuration in no
 * order it promises.
 */
public class CamelConfiguration implements org.apache.camel.CamelConfiguration {

    private final ObjectMapper mapper = new ObjectMapper();
    private final PipelineMetrics metrics = new PipelineMetrics();
    private MiniPrograms programs;
    private QuotaShare share;
    private QuotaAlarm alarm;

    /** Hands the service's metrics the registry camel-micrometer-prometheus serves; checks each route as it loads. */
    @Override
    public void configure(CamelContext camelContext) {
        metrics.bindTo(() -> camelContext.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class));
        camelContext.getCamelContextExtension().getContextPlugin(Model.class).addModelLifecycleStrategy(new RouteRules());
    }

    // the steps the routes call (docs/routes.md)

    @BindToRegistry("requestIntake")
    public RequestIntake requestIntake(CamelContext context) {
        return new RequestIntake(new RequestReader(mapper, settings(context).number("wxacode.max-request-bytes"), programs(context).names()));
    }

    @BindToRegistry("requestTracking")
    public RequestTracking requestTracking(CamelContext context) {
        return new RequestTracking(metrics, tracing(context).ingress());
    }

    @BindToRegistry("codeStorage")
    public CodeStorage codeStorage(CamelContext context) {
        Settings s = settings(context);
        return new CodeStorage(programs(context), s.text("s3.bucket"), new KnownObjects(s.number("wxacode.known-objects.max-entries"),
                s.seconds("wxacode.known-objects.lifetime-seconds"), Clock.systemUTC()));
    }

    @BindToRegistry("wechatCode")
    public WechatCodeCall wechatCode(CamelContext context) {
        Settings s = settings(context);
        return new WechatCodeCall(programs(context), s.millis("wechat.pace.quota-pause-ms"), mapper, metrics,
                new LimitedCodeUsage(s.number("wechat.limited.warn-at"), metrics), appId -> alarm(context).quotaExceeded(appId));
    }

    /** A follower waits at most this long for its leader, itself bounded by the WeChat and S3 timeouts and the retries. */
    @BindToRegistry("singleFlight")
    public SingleFlight singleFlight() {
        return new SingleFlight(Duration.ofMinutes(2));
    }

    @BindToRegistry("replies")
    public Replies replies(CamelContext context, @BeanInject("displayUrls") DisplayUrls displayUrls) {
        return new Replies(mapper, settings(context).number("http.retry-after-seconds"), displayUrls, tracing(context).ingress());
    }

    @BindToRegistry("failures")
    public Failures failures() {
        return new Failures();
    }

    @BindToRegistry("retryCounter")
    public RetryCounter retryCounter() {
        return new RetryCounter(metrics);
    }

    // apps, quota and readiness

    @BindToRegistry("miniPrograms")
    public MiniPrograms miniPrograms(CamelContext context) {
        return programs(context);
    }

    @BindToRegistry("quotaAlarm")
    public QuotaAlarm quotaAlarm(CamelContext context) {
        return alarm(context);
    }

    @BindToRegistry("tokenReadiness")
    public TokenReadiness tokenReadiness(CamelContext context) {
        return new TokenReadiness(programs(context));
    }

    @BindToRegistry("quotaReadiness")
    public QuotaReadiness quotaReadiness(CamelContext context) {
        return new QuotaReadiness(share(context));
    }

    /** Asks for the bucket afresh at every probe, and writes under the key prefix, trusted for a minute. */
    @BindToRegistry("storageReadiness")
    public StorageReadiness storageReadiness(CamelContext context, @BeanInject("s3Client") S3Client client) {
        Settings s = settings(context);
        return new StorageReadiness(new BucketCheck(client, s.text("s3.bucket"), Clock.systemUTC(), Duration.ZERO),
                new BucketWriteCheck(client, s.text("s3.bucket"), s.text("s3.key-prefix"), Clock.systemUTC(), Duration.ofMinutes(1)));
    }

    // made once each, for the beans above that share them

    private static Settings settings(CamelContext context) {
        return new Settings(context);
    }

    /** Bound by TracingSetup before this configuration, on or off as wxacode.tracing.enabled says. */
    private static Tracing tracing(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("tracing", Tracing.class);
    }

    private synchronized MiniPrograms programs(CamelContext context) {
        if (programs == null) {
            Tracing tracing = tracing(context);
            programs = MiniProgramsSetup.fromSettings(settings(context), mapper, tracing.tokenRequestHeaders(), share(context),
                    (app, source, from) -> new CountedTokenSource(app, tracing.traced(source, app, from), metrics));
        }
        return programs;
    }

    private synchronized QuotaShare share(CamelContext context) {
        if (share == null) {
            share = QuotaSetup.share(settings(context));
            metrics.watch(share);
        }
        return share;
    }

    private synchronized QuotaAlarm alarm(CamelContext context) {
        if (alarm == null) {
            Duration pause = settings(context).millis("wechat.pace.quota-pause-ms");
            try {
                alarm = QuotaSetup.alarm(settings(context), share(context), () -> KafkaClientProperties.consumer(context),
                        () -> KafkaClientProperties.producer(context), appId -> programs(context).quotaExceededElsewhere(appId, pause));
            } catch (Exception e) {
                throw new IllegalStateException("the quota coordination could not be added to Camel", e);
            }
        }
        return alarm;
    }
}
