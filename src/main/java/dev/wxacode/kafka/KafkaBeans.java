package dev.wxacode.kafka;

import java.util.function.Predicate;

import dev.wxacode.core.Settings;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;

/**
 * The beans of the Kafka ingress (routes/ingress/kafka.camel.yaml): its envelope and its in-flight
 * window (docs/kafka-concurrency.md), which four of them share and which is made once.
 */
public final class KafkaBeans implements CamelConfiguration {

    private RecordWindow window;

    @BindToRegistry("kafkaEnvelope")
    public KafkaEnvelope kafkaEnvelope(CamelContext context) throws Exception {
        Settings s = new Settings(context);
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
        return new WindowSubscribeAdapter(window(context), new Settings(context).text("kafka.request-topic"));
    }

    /** The pausable step's check: the window pauses and resumes the partitions itself (WindowListener). */
    @BindToRegistry("windowHasRoom")
    public Predicate<Object> windowHasRoom(CamelContext context) throws Exception {
        RecordWindow recordWindow = window(context);
        return ignored -> recordWindow.hasRoom();
    }

    private synchronized RecordWindow window(CamelContext context) throws Exception {
        return window != null ? window : (window = RecordWindow.create(context));
    }
}
