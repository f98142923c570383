package dev.wxacode.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.wxacode.quota.QuotaShare;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The service's own measures, beside Camel's route metrics, all named wxacode_* and scraped at
 * /observe/metrics. Tags carry no request data and no secret: ingress, outcome, app, api, errcode.
 */
public final class PipelineMetrics {

    private static final List<String> INGRESSES = List.of("http", "kafka");

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> limitedUsed = new ConcurrentHashMap<>();
    private volatile Supplier<MeterRegistry> source = () -> null;
    private volatile MeterRegistry registry;
    private volatile QuotaShare share;

    /**
     * The registry is Camel's, made while the context is configured, after the beans that count
     * into it: so it is looked up at the first count. Without one (metrics switched off) counts go
     * to a registry nobody scrapes.
     */
    public void bindTo(Supplier<MeterRegistry> source) {
        this.source = source;
        this.registry = null;
    }

    private MeterRegistry registry() {
        MeterRegistry current = registry;
        if (current == null) {
            synchronized (this) {
                if (registry == null) {
                    MeterRegistry found = source.get();
                    MeterRegistry chosen = found != null ? found : new SimpleMeterRegistry();
                    inFlight.clear();
                    counters.clear();
                    timers.clear();
                    limitedUsed.clear();
                    for (String ingress : INGRESSES) {
                        inFlight.put(ingress, chosen.gauge("wxacode.requests.in.flight", Tags.of("ingress", ingress), new AtomicInteger()));
                    }
                    QuotaShare watched = share;
                    if (watched != null) {
                        Gauge.builder("wxacode.pace.share", watched, QuotaShare::fraction)
                                .description("This instance's part of each app's wechat.pace.calls-per-minute (0 to 1)")
                                .register(chosen);
                    }
                    registry = chosen;
                }
                current = registry;
            }
        }
        return current;
    }

    /**
     * Shows the share as wxacode_pace_share from the first change on (the registry exists by then:
     * shares change once Camel has started).
     */
    public void watch(QuotaShare share) {
        this.share = share;
        share.onChange(this::registry);
    }

    public void requestStarted(String ingress) {
        inFlight(ingress).incrementAndGet();
    }

    /** @param outcome ok, or the error code of the reply; deferred when Kafka will poll the record again */
    public void requestFinished(String ingress, String outcome, boolean reused, long nanos) {
        counter("wxacode.requests", "Requests answered, by ingress and outcome (ok or the reply's error code)",
                "ingress", ingress, "outcome", outcome, "reused", Boolean.toString(reused)).increment();
        MeterRegistry registry = registry();
        timers.computeIfAbsent("wxacode.request.duration|" + ingress, k -> Timer.builder("wxacode.request.duration")
                        .description("From the ingress to the reply")
                        .tag("ingress", ingress)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(5))
                        .maximumExpectedValue(Duration.ofMinutes(2))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        // last: a scrape that sees none in flight sees every finished request counted and timed
        inFlight(ingress).decrementAndGet();
    }

    /** @param errcode 0 for an image, WeChat's errcode, or http_NNN for an answer that was neither */
    public void wechatAnswered(String app, String api, String errcode) {
        counter("wxacode.wechat.calls", "WeChat code API calls by app, API and errcode (0: an image)",
                "app", app, "api", api, "errcode", errcode).increment();
    }

    /** @param outcome ok, or the failure's class: refused, unavailable */
    public void tokenFetched(String app, String outcome) {
        counter("wxacode.token.fetches", "Access tokens fetched (a fetch shared by waiting callers counts once)",
                "app", app, "outcome", outcome).increment();
    }

    /** WeChat's Num-Used: the app's limited codes so far, of the lifetime cap of 100,000. */
    public void limitedCodesUsed(String app, int used) {
        MeterRegistry registry = registry();
        limitedUsed.computeIfAbsent(app, a -> registry.gauge("wxacode.limited.codes.used", Tags.of("app", a), new AtomicInteger()))
                .set(used);
    }

    public void retried(String ingress) {
        counter("wxacode.retries", "Redeliveries of a request after a transient or configuration failure", "ingress", ingress)
                .increment();
    }

    public void paced(long waitedNanos) {
        MeterRegistry registry = registry();
        timers.computeIfAbsent("wxacode.pacing.delay", k -> Timer.builder("wxacode.pacing.delay")
                        .description("How long WeChat code calls waited for their slot under their app's quota pacing")
                        .register(registry))
                .record(waitedNanos, TimeUnit.NANOSECONDS);
    }

    /** Looked up once per name and tags, not built anew on every request of the hot path. */
    private Counter counter(String name, String description, String... tags) {
        // outside computeIfAbsent: the first lookup of the registry clears these maps
        MeterRegistry registry = registry();
        return counters.computeIfAbsent(name + String.join("|", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private AtomicInteger inFlight(String ingress) {
        registry();
        return inFlight.get(ingress);
    }
}
