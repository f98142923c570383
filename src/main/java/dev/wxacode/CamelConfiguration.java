package dev.wxacode;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.apps.CallPacer;
import dev.wxacode.apps.MiniProgram;
import dev.wxacode.apps.MiniPrograms;
import dev.wxacode.health.StorageReadiness;
import dev.wxacode.health.TokenReadiness;
import dev.wxacode.http.ApiKeys;
import dev.wxacode.http.HttpGate;
import dev.wxacode.kafka.KafkaEnvelope;
import dev.wxacode.kafka.KafkaClientProperties;
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
import dev.wxacode.quota.QuotaCoordination;
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
import dev.wxacode.store.ObjectKeys;
import dev.wxacode.store.S3Clients;
import dev.wxacode.store.SingleFlight;
import dev.wxacode.token.AccessTokenCache;
import dev.wxacode.token.AppSettings;
import dev.wxacode.token.TokenSource;
import dev.wxacode.token.TokenSources;
import dev.wxacode.tracing.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.model.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/** Every bean the routes use, built from application.properties (each value overridable by environment). */
public class CamelConfiguration implements org.apache.camel.CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CamelConfiguration.class);

    private final ObjectMapper mapper = new ObjectMapper();
    // a field, as the mapper: Camel binds the methods with injected beans in no order it promises
    private final PipelineMetrics metrics = new PipelineMetrics();
    private S3Clients s3;
    private RecordWindow recordWindow;
    private QuotaShare quotaShare;
    // set by the quotaAlarm bean, read by wechatCode's: Camel binds beans in no order it promises
    private volatile QuotaAlarm quotaAlarm = QuotaAlarm.NONE;

    /**
     * Hands the service's metrics the registry camel-micrometer-prometheus made and serves at
     * /observe/metrics, beside Camel's own route metrics.
     */
    @Override
    public void configure(CamelContext camelContext) {
        metrics.bindTo(() -> camelContext.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class));
        camelContext.getCamelContextExtension().getContextPlugin(Model.class).addModelLifecycleStrategy(new RouteRules());
    }

    @BindToRegistry("failures")
    public Failures failures() {
        return new Failures();
    }

    /** {@link Tracing}: bound by TracingSetup, on or off as wxacode.tracing.enabled says. */
    @BindToRegistry("requestTracking")
    public RequestTracking requestTracking(@BeanInject("tracing") Tracing tracing) {
        return new RequestTracking(metrics, tracing.ingress());
    }

    @BindToRegistry("retryCounter")
    public RetryCounter retryCounter() {
        return new RetryCounter(metrics);
    }

    @BindToRegistry("httpGate")
    public HttpGate httpGate(@PropertyInject("http.auth.mode") String mode,
                             @PropertyInject("http.auth.api-key") String keys,
                             @PropertyInject("http.auth.api-keys-file") String keyFile) {
        return switch (mode.trim()) {
            case "none" -> new HttpGate(ApiKeys.open());
            case "api-key" -> new HttpGate(ApiKeys.of(keys, keyFile));
            default -> throw new IllegalArgumentException("http.auth.mode must be api-key or none (was " + mode + ")");
        };
    }

    /**
     * Picked up by platform-http's Vert.x server. Each HTTP request holds a worker thread while it
     * waits for WeChat and S3, so Vert.x's default of 20 workers caps the service at 20 requests in
     * flight (about 120 a second at 100 ms of WeChat latency).
     */
    @BindToRegistry("vertxOptions")
    public VertxOptions vertxOptions(@PropertyInject("http.worker-threads") int workers) {
        return new VertxOptions().setWorkerPoolSize(workers);
    }

    @BindToRegistry("requestIntake")
    public RequestIntake requestIntake(@PropertyInject("wxacode.max-request-bytes") int maxBytes,
                                       @BeanInject("miniPrograms") MiniPrograms programs) {
        return new RequestIntake(new RequestReader(mapper, maxBytes, programs.names()));
    }

    /**
     * The apps named in wechat.apps, each with its own token cache, quota pacer and object keys. The
     * default app reads wechat.app.id/secret, any other wechat.app.NAME.id/secret (see AppSettings).
     */
    @BindToRegistry("miniPrograms")
    public MiniPrograms miniPrograms(
            CamelContext camelContext,
            @PropertyInject("wechat.apps") String names,
            @PropertyInject("wechat.apps-file") String appsFile,
            @PropertyInject("wechat.base-url") String baseUrl,
            @PropertyInject("wechat.token.endpoint") String endpoint,
            @PropertyInject("wechat.token.refresh-margin-seconds") int marginSeconds,
            @PropertyInject("wechat.connect-timeout-ms") int connectTimeoutMs,
            @PropertyInject("wechat.response-timeout-ms") int responseTimeoutMs,
            @PropertyInject("wechat.token.configuration-error-hold-seconds") int holdSeconds,
            @PropertyInject("wechat.token.service.url") String serviceUrl,
            @PropertyInject("wechat.token.service.api-key") String serviceApiKey,
            @PropertyInject("wechat.pace.calls-per-minute") int callsPerMinute,
            @PropertyInject("wechat.pace.instances") int instances,
            @PropertyInject("wechat.pace.coordination.session-timeout-ms") int sessionTimeoutMs,
            @PropertyInject("kafka.enabled") boolean kafkaEnabled,
            @PropertyInject("s3.key-prefix") String keyPrefix,
            @BeanInject("tracing") Tracing tracing) {
        AppSettings settings = AppSettings.of(camelContext.getPropertiesComponent()::resolveProperty, appsFile);
        List<String> apps = AppSettings.names(names);
        TokenSources sources = new TokenSources(mapper, baseUrl, endpoint, serviceUrl, serviceApiKey, Duration.ofMillis(connectTimeoutMs),
                Duration.ofMillis(responseTimeoutMs), tracing.tokenRequestHeaders(), apps);
        List<MiniProgram> programs = new ArrayList<>();
        QuotaShare share = quotaShare(kafkaEnabled, instances);
        for (String app : apps) {
            String appId = settings.value(app, "id");
            TokenSource source = tracing.traced(sources.forApp(app, appId, () -> settings.value(app, "secret")), app, sources.name());
            AccessTokenCache tokens = new AccessTokenCache(new CountedTokenSource(app, source, metrics), Clock.systemUTC(),
                    Duration.ofSeconds(marginSeconds), Duration.ofSeconds(holdSeconds));
            // a call waits for a share no longer than the group takes to notice a dead member
            CallPacer pacer = new CallPacer(callsPerMinute, share, Duration.ofMillis(sessionTimeoutMs));
            programs.add(new MiniProgram(app, appId, tokens, pacer, ObjectKeys.forApp(app, appId, keyPrefix)));
        }
        return new MiniPrograms(programs);
    }

    /**
     * This instance's part of each app's quota (docs/scaling.md): negotiated through Kafka, one of
     * wechat.pace.instances, or (a lone instance without Kafka) all of it. Not a bean of its own, as
     * s3Region.
     */
    private synchronized QuotaShare quotaShare(boolean kafkaEnabled, int instances) {
        if (quotaShare == null) {
            if (instances < 0) {
                throw new IllegalArgumentException("wechat.pace.instances must be 0 (shared through Kafka) or more (was " + instances + ")");
            }
            quotaShare = instances > 0 ? QuotaShare.oneOf(instances) : kafkaEnabled ? QuotaShare.none() : QuotaShare.whole();
            metrics.watch(quotaShare);
        }
        return quotaShare;
    }

    /**
     * With Kafka and no fixed instance count, the instances negotiate their shares in a consumer
     * group and tell each other of a 45009; otherwise nobody is told.
     */
    @BindToRegistry("quotaAlarm")
    public synchronized QuotaAlarm quotaAlarm(
            CamelContext camelContext,
            @PropertyInject("kafka.enabled") boolean kafkaEnabled,
            @PropertyInject("wechat.pace.calls-per-minute") int callsPerMinute,
            @PropertyInject("wechat.pace.instances") int instances,
            @PropertyInject("wechat.pace.quota-pause-ms") int quotaPauseMs,
            @PropertyInject("wechat.pace.coordination.group") String group,
            @PropertyInject("wechat.pace.coordination.topic") String topic,
            @PropertyInject("wechat.pace.coordination.partitions") int partitions,
            @PropertyInject("wechat.pace.coordination.events-topic") String eventsTopic,
            @PropertyInject("wechat.pace.coordination.session-timeout-ms") int sessionTimeoutMs) throws Exception {
        if (quotaAlarm != QuotaAlarm.NONE) {
            // Camel may call a bean method more than once: one group member per instance, not two
            return quotaAlarm;
        }
        QuotaShare share = quotaShare(kafkaEnabled, instances);
        if (!kafkaEnabled || instances > 0 || callsPerMinute == 0) {
            if (!kafkaEnabled && instances == 0 && callsPerMinute > 0) {
                LOG.warn("Kafka is off and wechat.pace.instances is 0: this instance paces each app to all of {} calls a minute;"
                        + " with several instances set wechat.pace.instances to their number", callsPerMinute);
            }
            return QuotaAlarm.NONE;
        }
        Duration pause = Duration.ofMillis(quotaPauseMs);
        QuotaCoordination coordination = new QuotaCoordination(() -> KafkaClientProperties.consumer(camelContext),
                () -> KafkaClientProperties.producer(camelContext), group.trim(), topic.trim(), partitions, eventsTopic.trim(),
                Duration.ofMillis(sessionTimeoutMs), share,
                // the bound bean, whose pacers the calls use: Camel may have made more than one of it
                appId -> camelContext.getRegistry().lookupByNameAndType("miniPrograms", MiniPrograms.class)
                        .quotaExceededElsewhere(appId, pause));
        // started and stopped with Camel; stopping leaves the group, so the others take the share at once
        camelContext.addService(coordination, true);
        quotaAlarm = coordination;
        return coordination;
    }

    @BindToRegistry("tokenReadiness")
    public TokenReadiness tokenReadiness(@BeanInject("miniPrograms") MiniPrograms programs) {
        return new TokenReadiness(programs);
    }

    @BindToRegistry("bucketCheck")
    public BucketCheck bucketCheck(@BeanInject("s3Client") S3Client s3, @PropertyInject("s3.bucket") String bucket) {
        return new BucketCheck(s3, bucket, Clock.systemUTC(), Duration.ofMinutes(1));
    }

    /**
     * Its own bucket check, asked afresh at every probe (the route's trusts a good answer for a
     * minute), and a write under the key prefix, trusted for a minute.
     */
    @BindToRegistry("storageReadiness")
    public StorageReadiness storageReadiness(@BeanInject("s3Client") S3Client s3, @PropertyInject("s3.bucket") String bucket,
                                             @PropertyInject("s3.key-prefix") String keyPrefix) {
        return new StorageReadiness(new BucketCheck(s3, bucket, Clock.systemUTC(), Duration.ZERO),
                new BucketWriteCheck(s3, bucket, keyPrefix, Clock.systemUTC(), Duration.ofMinutes(1)));
    }

    @BindToRegistry("wechatCode")
    public WechatCodeCall wechatCode(@BeanInject("miniPrograms") MiniPrograms programs,
                                     @PropertyInject("wechat.pace.quota-pause-ms") int quotaPauseMs,
                                     @PropertyInject("wechat.limited.warn-at") int warnAt) {
        return new WechatCodeCall(programs, Duration.ofMillis(quotaPauseMs), mapper, metrics, new LimitedCodeUsage(warnAt, metrics),
                appId -> quotaAlarm.quotaExceeded(appId));
    }

    @BindToRegistry("codeStorage")
    public CodeStorage codeStorage(@BeanInject("miniPrograms") MiniPrograms programs,
                                   @PropertyInject("s3.bucket") String bucket,
                                   @PropertyInject("wxacode.known-objects.max-entries") int knownMax,
                                   @PropertyInject("wxacode.known-objects.lifetime-seconds") int knownSeconds) {
        return new CodeStorage(programs, bucket, new KnownObjects(knownMax, Duration.ofSeconds(knownSeconds), Clock.systemUTC()));
    }

    @BindToRegistry("kafkaEnvelope")
    public KafkaEnvelope kafkaEnvelope(CamelContext camelContext,
                                       @PropertyInject("kafka.correlation-headers") String correlationHeaders,
                                       @PropertyInject("kafka.reply-topic") String replyTopic,
                                       @PropertyInject("kafka.reply-topics-allowed") String replyTopicsAllowed,
                                       @PropertyInject("kafka.group") String group) throws Exception {
        return KafkaEnvelopes.create(camelContext, correlationHeaders, replyTopic, replyTopicsAllowed, group);
    }

    /** The Kafka ingress's in-flight window (docs/kafka-concurrency.md), stopped with Camel. */
    @BindToRegistry("recordWindow")
    public RecordWindow recordWindow(CamelContext camelContext) throws Exception {
        return window(camelContext);
    }

    @BindToRegistry("windowCommits")
    public WindowCommits windowCommits(CamelContext camelContext) throws Exception {
        return new WindowCommits(window(camelContext));
    }

    @BindToRegistry("windowListener")
    public WindowListener windowListener(CamelContext camelContext) throws Exception {
        return new WindowListener(window(camelContext));
    }

    /** Found by camel-kafka under this name: tells the window before partitions are revoked. */
    @BindToRegistry("subscribeAdapter")
    public WindowSubscribeAdapter subscribeAdapter(CamelContext camelContext) throws Exception {
        return new WindowSubscribeAdapter(window(camelContext),
                camelContext.resolvePropertyPlaceholders("{{kafka.request-topic}}").trim());
    }

    /** The pausable step's check: the window pauses and resumes the partitions itself (WindowListener). */
    @BindToRegistry("windowHasRoom")
    public Predicate<Object> windowHasRoom(CamelContext camelContext) throws Exception {
        RecordWindow window = window(camelContext);
        return ignored -> window.hasRoom();
    }

    /** Made once for the four beans above, as Camel binds beans that need other beans in no order it promises. */
    private synchronized RecordWindow window(CamelContext camelContext) throws Exception {
        if (recordWindow == null) {
            recordWindow = RecordWindow.create(camelContext);
        }
        return recordWindow;
    }

    /**
     * A follower waits at most this long for its leader, which itself is bounded by the WeChat and S3
     * timeouts and the retries: a wait this long means something is stuck, and the follower is retried.
     */
    @BindToRegistry("singleFlight")
    public SingleFlight singleFlight() {
        return new SingleFlight(Duration.ofMinutes(2));
    }

    @BindToRegistry("replies")
    public Replies replies(@PropertyInject("http.retry-after-seconds") int retryAfterSeconds,
                           @BeanInject("displayUrls") DisplayUrls displayUrls,
                           @BeanInject("tracing") Tracing tracing) {
        return new Replies(mapper, retryAfterSeconds, displayUrls, tracing.ingress());
    }

    /** Presigned GET URLs in ok replies, for the same store, addressing and credentials as the client's. */
    @BindToRegistry("displayUrls")
    public DisplayUrls displayUrls(@PropertyInject("wxacode.display-url.lifetime-seconds") int lifetimeSeconds,
                                   @PropertyInject("s3.endpoint") String endpoint, @PropertyInject("s3.region") String region,
                                   @PropertyInject("s3.access-key") String accessKey, @PropertyInject("s3.secret-key") String secretKey,
                                   @PropertyInject("s3.force-path-style") boolean forcePathStyle) {
        return s3(endpoint, region, accessKey, secretKey, forcePathStyle).displayUrls(lifetimeSeconds);
    }

    /** Picked up by camel-aws2-s3 (autowired): one client for AWS or any S3-compatible store. */
    @BindToRegistry("s3Client")
    public S3Client s3Client(@PropertyInject("s3.endpoint") String endpoint, @PropertyInject("s3.region") String region,
                             @PropertyInject("s3.access-key") String accessKey, @PropertyInject("s3.secret-key") String secretKey,
                             @PropertyInject("s3.force-path-style") boolean forcePathStyle,
                             @PropertyInject("s3.checksums") String checksums,
                             @PropertyInject("s3.server-side-encryption") String encryption,
                             @PropertyInject("s3.kms-key-id") String kmsKeyId,
                             @PropertyInject("s3.object-tags") boolean objectTags) {
        return s3(endpoint, region, accessKey, secretKey, forcePathStyle).client(checksums, encryption, kmsKeyId, objectTags);
    }

    /**
     * One for the client and the presigner, so the region is decided once. Not a bean of its own, as
     * Camel binds beans that need other beans in no order it promises.
     */
    private synchronized S3Clients s3(String endpoint, String region, String accessKey, String secretKey, boolean forcePathStyle) {
        if (s3 == null) {
            s3 = new S3Clients(endpoint, region, accessKey, secretKey, forcePathStyle);
        }
        return s3;
    }
}
