package dev.wxacode;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.apps.MiniPrograms;
import dev.wxacode.apps.MiniProgramsSetup;
import dev.wxacode.core.Settings;
import dev.wxacode.health.StorageReadiness;
import dev.wxacode.health.TokenReadiness;
import dev.wxacode.http.HttpGate;
import dev.wxacode.kafka.KafkaClientProperties;
import dev.wxacode.kafka.KafkaEnvelope;
import dev.wxacode.kafka.KafkaEnvelopes;
import dev.wxacode.kafka.RecordWindow;
import dev.wxacode.kafka.WindowCommits;
import dev.wxacode.kafka.WindowListener;
import dev.wxacode.kafka.WindowSubscribeAdapter;
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
import dev.wxacode.store.S3Clients;
import dev.wxacode.store.SingleFlight;
import dev.wxacode.tracing.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The index of the beans the routes use, each built where its domain is (the setup and factory
 * methods) from application.properties, every value overridable by environment. Bound once per
 * start (Application adds this as an instance: a class would be post-processed twice by Camel Main).
 * Beans that other beans need are made by the private methods at the bottom, once each, as Camel
 * binds beans in no order it promises.
 */
public class CamelConfiguration implements org.apache.camel.CamelConfiguration {

    private final ObjectMapper mapper = new ObjectMapper();
    private final PipelineMetrics metrics = new PipelineMetrics();
    private Settings settings;
    private MiniPrograms programs;
    private QuotaShare share;
    private QuotaAlarm alarm;
    private RecordWindow window;
    private S3Clients s3;
    private S3Client s3Client;

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
    public Replies replies(CamelContext context) {
        return new Replies(mapper, settings(context).number("http.retry-after-seconds"), displayUrls(context), tracing(context).ingress());
    }

    @BindToRegistry("failures")
    public Failures failures() {
        return new Failures();
    }

    @BindToRegistry("retryCounter")
    public RetryCounter retryCounter() {
        return new RetryCounter(metrics);
    }

    // the HTTP ingress

    @BindToRegistry("httpGate")
    public HttpGate httpGate(CamelContext context) {
        return HttpGate.of(settings(context));
    }

    /** Each HTTP request holds a Vert.x worker while WeChat and S3 answer: Vert.x's default of 20 caps the requests in flight. */
    @BindToRegistry("vertxOptions")
    public VertxOptions vertxOptions(CamelContext context) {
        return new VertxOptions().setWorkerPoolSize(settings(context).number("http.worker-threads"));
    }

    // the Kafka ingress and its in-flight window (docs/kafka-concurrency.md)

    @BindToRegistry("kafkaEnvelope")
    public KafkaEnvelope kafkaEnvelope(CamelContext context) throws Exception {
        Settings s = settings(context);
        return KafkaEnvelopes.create(context, s.text("kafka.correlation-headers"), s.text("kafka.reply-topic"),
                s.text("kafka.reply-topics-allowed"), s.text("kafka.group"));
    }

    @BindToRegistry("recordWindow")
    public RecordWindow recordWindow(CamelContext context) throws Exception {
        return window(context);
    }

    @BindToRegistry("windowCommits")
    public WindowCommits windowCommits(CamelContext context) throws Exception {
        return new WindowCommits(window(context));
    }

    @BindToRegistry("windowListener")
    public WindowListener windowListener(CamelContext context) throws Exception {
        return new WindowListener(window(context));
    }

    /** Found by camel-kafka under this name: tells the window before partitions are revoked. */
    @BindToRegistry("subscribeAdapter")
    public WindowSubscribeAdapter subscribeAdapter(CamelContext context) throws Exception {
        return new WindowSubscribeAdapter(window(context), settings(context).text("kafka.request-topic"));
    }

    /** The pausable step's check: the window pauses and resumes the partitions itself (WindowListener). */
    @BindToRegistry("windowHasRoom")
    public Predicate<Object> windowHasRoom(CamelContext context) throws Exception {
        RecordWindow recordWindow = window(context);
        return ignored -> recordWindow.hasRoom();
    }

    // apps, quota, storage and readiness

    @BindToRegistry("miniPrograms")
    public MiniPrograms miniPrograms(CamelContext context) {
        return programs(context);
    }

    @BindToRegistry("quotaAlarm")
    public QuotaAlarm quotaAlarm(CamelContext context) {
        return alarm(context);
    }

    /** Picked up by camel-aws2-s3 (autowired). */
    @BindToRegistry("s3Client")
    public S3Client s3Client(CamelContext context) {
        return client(context);
    }

    @BindToRegistry("displayUrls")
    public DisplayUrls displayUrls(CamelContext context) {
        return s3(context).displayUrls(settings(context).number("wxacode.display-url.lifetime-seconds"));
    }

    /** The route's bucket check: a good answer is trusted for a minute. */
    @BindToRegistry("bucketCheck")
    public BucketCheck bucketCheck(CamelContext context) {
        return new BucketCheck(client(context), settings(context).text("s3.bucket"), Clock.systemUTC(), Duration.ofMinutes(1));
    }

    @BindToRegistry("tokenReadiness")
    public TokenReadiness tokenReadiness(CamelContext context) {
        return new TokenReadiness(programs(context));
    }

    /** Asks for the bucket afresh at every probe, and writes under the key prefix, trusted for a minute. */
    @BindToRegistry("storageReadiness")
    public StorageReadiness storageReadiness(CamelContext context) {
        Settings s = settings(context);
        S3Client client = client(context);
        return new StorageReadiness(new BucketCheck(client, s.text("s3.bucket"), Clock.systemUTC(), Duration.ZERO),
                new BucketWriteCheck(client, s.text("s3.bucket"), s.text("s3.key-prefix"), Clock.systemUTC(), Duration.ofMinutes(1)));
    }

    // made once each, for the beans above that share them

    private synchronized Settings settings(CamelContext context) {
        return settings != null ? settings : (settings = new Settings(context));
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

    private synchronized RecordWindow window(CamelContext context) throws Exception {
        return window != null ? window : (window = RecordWindow.create(context));
    }

    /** One for the client and the presigner, so that the region is decided once. */
    private synchronized S3Clients s3(CamelContext context) {
        return s3 != null ? s3 : (s3 = S3Clients.of(settings(context)));
    }

    private synchronized S3Client client(CamelContext context) {
        return s3Client != null ? s3Client : (s3Client = s3(context).client(settings(context)));
    }
}
