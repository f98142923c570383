package dev.wxacode.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import dev.wxacode.core.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka ingress's in-flight window. camel-kafka hands a record to the route on its consumer
 * thread and polls the next only when the route returns, so one consumer would make one WeChat call
 * at a time. The route's first step hands the record here instead ({@link #handOff}): it runs the
 * request route on a worker, up to kafka.max-in-flight records at once in this instance, while the
 * consumer goes on polling.
 *
 * <p>At least once: an offset is committed only up to the lowest unfinished record of its partition,
 * with the records finished beyond it in the commit's metadata ({@link PartitionOffsets}), from the
 * consumer thread after each poll ({@link #afterPoll}, through {@link WindowListener}) and before
 * partitions are revoked ({@link #revoked}); the next owner skips the finished ones ({@link #assigned}). camel-kafka itself commits nothing: the route's commit factory is not
 * one of camel-kafka's own ({@link WindowCommits}), so it uses its no-op commit manager, which on
 * revocation, on stop and after a failed record would otherwise commit the last record it handed
 * over, in flight or not.
 *
 * <p>Backpressure: while the window is full the consumer's partitions are paused (the Kafka client's
 * pause, not camel-kafka's, which seeks back to the committed offsets on resume), so the consumer
 * keeps polling, heartbeating and committing, far inside max.poll.interval.ms. A poll already made is
 * handed over whole, so the window can hold up to one poll per consumer more than kafka.max-in-flight.
 *
 * <p>A record the request route could not finish (an outage outlasting the retries, a token refused
 * for a setting) keeps its place in the window and is run again after retry.delay-ms: it is neither
 * committed nor dead-lettered, and a longer outage fills the window, which pauses consumption, as
 * breakOnFirstError stopped it before. A seek back is no longer the way: it would redeliver the
 * records behind it that are already in flight.
 */
public final class RecordWindow extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RecordWindow.class);
    /**
     * How long a revocation waits for the partitions' records in flight: a record takes a WeChat call
     * and a put, well under a second; far inside the rebalance timeout (max.poll.interval.ms, 5 min).
     */
    private static final Duration REVOKE_WAIT = Duration.ofSeconds(3);

    private final CamelContext camelContext;
    private final String requestUri;
    private final int maxInFlight;
    private final KafkaOrdering ordering;
    private final Duration rerunDelay;
    private final Map<TopicPartition, PartitionOffsets> partitions = new ConcurrentHashMap<>();
    private final Set<Consumer<?, ?>> pausedConsumers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private ExecutorService workers;
    private ScheduledExecutorService reruns;
    private KeyQueues keyQueues;
    private ProducerTemplate producer;
    private Endpoint requestEndpoint;

    /** The window of the kafka-request route as the settings say, started and stopped with Camel. */
    public static RecordWindow create(CamelContext camelContext) throws Exception {
        Settings settings = new Settings(camelContext);
        RecordWindow window = new RecordWindow(camelContext, "direct:kafka-request", settings.number("kafka.max-in-flight"),
                KafkaOrdering.of(settings.text("kafka.ordering")), settings.millis("retry.delay-ms"));
        camelContext.addService(window, true);
        return window;
    }

    public RecordWindow(CamelContext camelContext, String requestUri, int maxInFlight, KafkaOrdering ordering,
                        Duration rerunDelay) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("kafka.max-in-flight must be 1 or more (was " + maxInFlight + ")");
        }
        this.camelContext = camelContext;
        this.requestUri = requestUri;
        this.maxInFlight = maxInFlight;
        this.ordering = ordering;
        this.rerunDelay = rerunDelay;
    }

    @Override
    protected void doStart() {
        // one thread per record in flight: each holds its thread while WeChat and S3 answer
        workers = camelContext.getExecutorServiceManager().newFixedThreadPool(this, "kafka-window", maxInFlight);
        reruns = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "kafka-window-rerun");
        keyQueues = new KeyQueues(workers, ordering == KafkaOrdering.KEY);
        producer = camelContext.createProducerTemplate();
        requestEndpoint = camelContext.getEndpoint(requestUri);
    }

    @Override
    protected void doStop() throws Exception {
        // what is still running is not committed, and is redelivered to whoever gets the partition next
        reruns.shutdownNow();
        workers.shutdown();
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
        producer.stop();
    }

    /** Consumer thread: takes the record into the window and runs it on a worker. */
    public void handOff(Exchange exchange) {
        Message message = exchange.getMessage();
        TopicPartition partition = new TopicPartition(message.getHeader(KafkaConstants.TOPIC, String.class),
                message.getHeader(KafkaConstants.PARTITION, Integer.class));
        long offset = message.getHeader(KafkaConstants.OFFSET, Long.class);
        PartitionOffsets offsets = partitions.computeIfAbsent(partition, p -> new PartitionOffsets());
        if (!offsets.begin(offset)) {
            // finished before the partition changed hands (the last commit lists it): answered already
            return;
        }
        inFlight.incrementAndGet();
        Record record = new Record(message.copy(), offsets, offset, keyQueues.keyOf(message.getHeader(KafkaConstants.KEY)));
        keyQueues.submit(record.orderKey, record::run);
    }

    /** Called by the request route's commit step (the reply or dead letter is on the broker). */
    void finished(TopicPartition partition, long offset) {
        PartitionOffsets offsets = partitions.get(partition);
        if (offsets != null) {
            offsets.finish(offset);
        }
    }

    /** Consumer thread, after each poll: commits what has become committable and pauses or resumes. */
    void afterPoll(Consumer<?, ?> consumer) {
        Map<TopicPartition, OffsetAndMetadata> commit = toCommit(consumer.assignment(), partitions::get);
        if (!commit.isEmpty()) {
            consumer.commitAsync(commit, (offsets, failure) -> {
                if (failure != null) {
                    // the next commit covers these offsets; until then a crash redoes a few more records
                    LOG.warn("Committing offsets {} failed: {}", offsets, failure.toString());
                }
            });
        }
        if (inFlight.get() >= maxInFlight) {
            // every time: a rebalance may have assigned partitions since the last pause
            pausedConsumers.add(consumer);
            consumer.pause(consumer.assignment());
        } else if (pausedConsumers.remove(consumer)) {
            consumer.resume(consumer.paused());
        }
    }

    /**
     * Consumer thread, before partitions go to another consumer (WindowSubscribeAdapter): waits a
     * while for their records in flight to finish and commits them, so that the next owner does not
     * redo them; what is still running after that is redone by the next owner (at least once).
     */
    void revoked(Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
        long deadline = System.nanoTime() + REVOKE_WAIT.toNanos();
        for (TopicPartition partition : revoked) {
            PartitionOffsets offsets = partitions.get(partition);
            while (offsets != null && offsets.unfinished() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        for (TopicPartition partition : revoked) {
            PartitionOffsets offsets = partitions.get(partition);
            if (offsets != null && offsets.unfinished() > 0) {
                LOG.info("{} moved to another consumer with {} record(s) still in flight after {} ms: its next owner runs them again"
                        + " (at least once; their requests may be answered twice)", partition, offsets.unfinished(), REVOKE_WAIT.toMillis());
            }
        }
        // forgotten: if they come back, they start afresh from the committed offset
        Map<TopicPartition, OffsetAndMetadata> commit = toCommit(revoked, partitions::remove);
        if (!commit.isEmpty()) {
            try {
                consumer.commitSync(commit);
            } catch (RuntimeException e) {
                LOG.warn("Committing offsets {} of revoked partitions failed: {}", commit, e.toString());
            }
        }
    }

    /**
     * Consumer thread, when partitions are assigned (WindowSubscribeAdapter): reads their last
     * commits, whose metadata lists the records finished beyond the committed offset, not to be done again.
     */
    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
        for (TopicPartition partition : assigned) {
            partitions.put(partition, new PartitionOffsets(committed.get(partition)));
        }
    }

    /** What has become committable in these partitions, each's tracker taken by {@code tracker}. */
    private static Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> of,
                                                                 Function<TopicPartition, PartitionOffsets> tracker) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (TopicPartition partition : of) {
            PartitionOffsets offsets = tracker.apply(partition);
            OffsetAndMetadata at = offsets == null ? null : offsets.toCommit();
            if (at != null) {
                commit.put(partition, at);
            }
        }
        return commit;
    }

    public boolean hasRoom() {
        return inFlight.get() < maxInFlight;
    }

    /** Records handed over and not finished, in this instance. */
    public int inFlight() {
        return inFlight.get();
    }

    private final class Record {
        private final Message message;
        private final PartitionOffsets offsets;
        private final long offset;
        private final Object orderKey;

        Record(Message message, PartitionOffsets offsets, long offset, Object orderKey) {
            this.message = message;
            this.offsets = offsets;
            this.offset = offset;
            this.orderKey = orderKey;
        }

        void run() {
            Exchange work = requestEndpoint.createExchange();
            work.getIn().copyFrom(message);
            try {
                producer.send(requestEndpoint, work);
            } catch (RuntimeException e) {
                // the route failed to run at all (stopping): as any failure, the record keeps its place
                work.setException(e);
            }
            if (work.getException() != null) {
                if (isRunAllowed()) {
                    // not the record's fault (a permanent failure is handled by the route): it keeps its place
                    reruns.schedule(() -> workers.execute(this::run), rerunDelay.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                // stopping: not committed, so redelivered
                inFlight.decrementAndGet();
                return;
            }
            // the route committed it (commit-offset, commit-dead-letter); finishing again costs nothing
            offsets.finish(offset);
            inFlight.decrementAndGet();
            keyQueues.done(orderKey);
        }
    }
}
