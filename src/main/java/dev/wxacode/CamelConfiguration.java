package dev.wxacode;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.apps.AppSettings;
import dev.wxacode.apps.MiniProgram;
import dev.wxacode.apps.MiniPrograms;
import dev.wxacode.health.StorageReadiness;
import dev.wxacode.health.TokenReadiness;
import dev.wxacode.http.ApiKeys;
import dev.wxacode.http.HttpGate;
import dev.wxacode.kafka.BrokerPartitionCounts;
import dev.wxacode.kafka.KafkaEnvelope;
import dev.wxacode.kafka.ReplyRouting;
import dev.wxacode.observe.CountedTokenSource;
import dev.wxacode.observe.LimitedCodeUsage;
import dev.wxacode.observe.PipelineMetrics;
import dev.wxacode.observe.RequestTracking;
import dev.wxacode.observe.RetryCounter;
import dev.wxacode.quota.QuotaAlarm;
import dev.wxacode.quota.QuotaCoordination;
import dev.wxacode.quota.QuotaShare;
import dev.wxacode.reply.Replies;
import dev.wxacode.request.RequestIntake;
import dev.wxacode.request.RequestReader;
import dev.wxacode.request.WxacodeRequest;
import dev.wxacode.store.BucketCheck;
import dev.wxacode.store.BucketWriteCheck;
import dev.wxacode.store.CodeStorage;
import dev.wxacode.store.DisplayUrls;
import dev.wxacode.store.KnownObjects;
import dev.wxacode.store.ObjectKeys;
import dev.wxacode.store.ObjectTags;
import dev.wxacode.store.PutObjectSettings;
import dev.wxacode.store.S3Region;
import dev.wxacode.store.ServerSideEncryption;
import dev.wxacode.token.AccessTokenCache;
import dev.wxacode.token.TokenEndpoint;
import dev.wxacode.token.TokenServiceClient;
import dev.wxacode.token.TokenSource;
import dev.wxacode.token.WechatTokenClient;
import dev.wxacode.tracing.Tracing;
import dev.wxacode.wechat.CallPacer;
import dev.wxacode.wechat.WechatCodeCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Every bean the routes use, built from application.properties (each value overridable by environment). */
public class CamelConfiguration implements org.apache.camel.CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CamelConfiguration.class);
    /** In wechat.token.service.url: replaced by each app's id. */
    private static final String APPID_PLACEHOLDER = "{appid}";

    private final ObjectMapper mapper = new ObjectMapper();
    // a field, as the mapper: Camel binds the methods with injected beans in no order it promises
    private final PipelineMetrics metrics = new PipelineMetrics();
    private Region s3Region;
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
        boolean tokenService = !isBlank(serviceUrl);
        if (tokenService && apps.size() > 1 && !serviceUrl.contains(APPID_PLACEHOLDER)) {
            throw new IllegalArgumentException("wechat.token.service.url must contain " + APPID_PLACEHOLDER
                    + " when several apps are configured (wechat.apps=" + names.trim() + ")");
        }
        Duration connectTimeout = Duration.ofMillis(connectTimeoutMs);
        Duration responseTimeout = Duration.ofMillis(responseTimeoutMs);
        List<MiniProgram> programs = new ArrayList<>();
        QuotaShare share = quotaShare(kafkaEnabled, instances);
        for (String app : apps) {
            String appId = settings.value(app, "id");
            TokenSource source = tokenService
                    ? new TokenServiceClient(mapper, app, serviceUrl.trim().replace(APPID_PLACEHOLDER, appId), serviceApiKey,
                            connectTimeout, responseTimeout, tracing.tokenRequestHeaders())
                    : new WechatTokenClient(mapper, baseUrl, app, appId, settings.value(app, "secret"),
                            TokenEndpoint.parse(endpoint), connectTimeout, responseTimeout, tracing.tokenRequestHeaders());
            source = tracing.traced(source, app, tokenService ? "token-service" : "wechat");
            AccessTokenCache tokens = new AccessTokenCache(new CountedTokenSource(app, source, metrics), Clock.systemUTC(),
                    Duration.ofSeconds(marginSeconds), Duration.ofSeconds(holdSeconds));
            // the default app keeps the keys of a single-app deployment; the others get a folder each
            String prefix = WxacodeRequest.DEFAULT_APP.equals(app) ? keyPrefix : keyPrefix + app + "/";
            // a call waits for a share no longer than the group takes to notice a dead member
            CallPacer pacer = new CallPacer(callsPerMinute, share, Duration.ofMillis(sessionTimeoutMs));
            programs.add(new MiniProgram(app, appId, tokens, pacer, new ObjectKeys(appId, prefix)));
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
        QuotaCoordination coordination = new QuotaCoordination(() -> kafkaClientProperties(camelContext, false),
                () -> kafkaClientProperties(camelContext, true), group.trim(), topic.trim(), partitions, eventsTopic.trim(),
                Duration.ofMillis(sessionTimeoutMs), share,
                // the bound bean, whose pacers the calls use: Camel may have made more than one of it
                appId -> camelContext.getRegistry().lookupByNameAndType("miniPrograms", MiniPrograms.class)
                        .quotaExceededElsewhere(appId, pause));
        // started and stopped with Camel; stopping leaves the group, so the others take the share at once
        camelContext.addService(coordination, true);
        quotaAlarm = coordination;
        return coordination;
    }

    /** The same brokers and security settings as camel-kafka's own clients, read once the component is configured. */
    private static Properties kafkaClientProperties(CamelContext camelContext, boolean producer) {
        KafkaConfiguration kafka = camelContext.getComponent("kafka", KafkaComponent.class).getConfiguration();
        Properties properties = producer ? kafka.createProducerProperties() : kafka.createConsumerProperties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
        return properties;
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
        // the same brokers and security settings as camel-kafka's own clients, read once the component is configured
        BrokerPartitionCounts partitions = new BrokerPartitionCounts(() -> kafkaClientProperties(camelContext, true),
                Duration.ofSeconds(60), Clock.systemUTC());
        // stopped with Camel, which closes its admin client
        camelContext.addService(partitions, true);
        return new KafkaEnvelope(Arrays.stream(correlationHeaders.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList(),
                new ReplyRouting(replyTopic.trim(), replyTopicsAllowed, partitions), group.trim());
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
                                   @PropertyInject("s3.endpoint") String endpoint,
                                   @PropertyInject("s3.region") String region,
                                   @PropertyInject("s3.access-key") String accessKey,
                                   @PropertyInject("s3.secret-key") String secretKey,
                                   @PropertyInject("s3.force-path-style") boolean forcePathStyle) {
        if (lifetimeSeconds == 0) {
            return DisplayUrls.off();
        }
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(s3Region(region, endpoint))
                .credentialsProvider(credentials(accessKey, secretKey))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(forcePathStyle).build());
        if (!isBlank(endpoint)) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return DisplayUrls.signedBy(builder.build(), Duration.ofSeconds(lifetimeSeconds));
    }

    /** Picked up by camel-aws2-s3 (autowired): one client for AWS or any S3-compatible store. */
    @BindToRegistry("s3Client")
    public S3Client s3Client(@PropertyInject("s3.endpoint") String endpoint,
                             @PropertyInject("s3.region") String region,
                             @PropertyInject("s3.access-key") String accessKey,
                             @PropertyInject("s3.secret-key") String secretKey,
                             @PropertyInject("s3.force-path-style") boolean forcePathStyle,
                             @PropertyInject("s3.checksums") String checksums,
                             @PropertyInject("s3.server-side-encryption") String encryption,
                             @PropertyInject("s3.kms-key-id") String kmsKeyId,
                             @PropertyInject("s3.object-tags") boolean objectTags) {
        boolean everyCall = switch (checksums.trim()) {
            case "when-supported" -> true;
            case "when-required" -> false;
            default -> throw new IllegalArgumentException("s3.checksums must be when-required or when-supported (was " + checksums + ")");
        };
        PutObjectSettings puts = new PutObjectSettings(ServerSideEncryption.of(encryption, kmsKeyId), ObjectTags.enabled(objectTags));
        S3ClientBuilder builder = S3Client.builder()
                .region(s3Region(region, endpoint))
                .overrideConfiguration(c -> c.addExecutionInterceptor(puts))
                .forcePathStyle(forcePathStyle)
                .requestChecksumCalculation(everyCall ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(everyCall ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED);
        if (!isBlank(endpoint)) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.credentialsProvider(credentials(accessKey, secretKey)).build();
    }

    /**
     * Decided once, for the client and the presigner alike (see S3Region): the SDK's chain may ask
     * instance metadata, over the network. Not a bean of its own, as Camel binds beans that need
     * other beans in no order it promises.
     */
    private synchronized Region s3Region(String setting, String endpoint) {
        if (s3Region == null) {
            s3Region = S3Region.decide(setting, endpoint);
        }
        return s3Region;
    }

    /**
     * Static keys when configured, else the AWS default chain: AWS_* variables, web identity (IRSA:
     * AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, through the sts module camel-aws2-s3 brings),
     * profile, container and instance roles.
     */
    private static AwsCredentialsProvider credentials(String accessKey, String secretKey) {
        if (isBlank(accessKey)) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
