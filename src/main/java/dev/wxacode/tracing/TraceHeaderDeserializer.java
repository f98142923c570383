package dev.wxacode.tracing;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.apache.camel.component.kafka.serde.DefaultKafkaHeaderDeserializer;
import org.apache.camel.component.kafka.serde.KafkaHeaderDeserializer;

/**
 * Reads a Kafka record's W3C trace headers as text and leaves every other header as bytes. Camel's
 * tracer continues a trace only from text headers, and camel-kafka hands every header on as
 * bytes; the others stay bytes because correlation headers are copied back byte for byte.
 */
public final class TraceHeaderDeserializer implements KafkaHeaderDeserializer {

    private static final Set<String> TRACE_HEADERS = Set.of(IngressTrace.TRACEPARENT, IngressTrace.TRACESTATE, "baggage");

    private final KafkaHeaderDeserializer others = new DefaultKafkaHeaderDeserializer();

    @Override
    public Object deserialize(String key, byte[] value) {
        if (value != null && TRACE_HEADERS.contains(key)) {
            return new String(value, StandardCharsets.UTF_8);
        }
        return others.deserialize(key, value);
    }
}
