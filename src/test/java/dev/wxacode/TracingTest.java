package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.wxacode.local.LocalStack;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * wxacode.tracing.enabled: the real app with an OpenTelemetry SDK bound in its registry, as an
 * embedding application would bind one, exporting to memory. One trace per request, continued
 * from the caller's traceparent over HTTP and over Kafka, and carried on by the reply; off, no
 * span and no traceparent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TracingTest extends KafkaTestSupport {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration SPAN_WAIT = Duration.ofSeconds(20);

    private static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("component");
    private static final AttributeKey<String> OP = AttributeKey.stringKey("op");
    private static final AttributeKey<String> URI_TAG = AttributeKey.stringKey("camel.uri");
    private static final AttributeKey<String> APP = AttributeKey.stringKey("wxacode.app");

    private static OpenTelemetrySdk sdk;

    @BeforeAll
    static void tracingOn() throws Exception {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        stack.stopApp();
        stack.bind("openTelemetry", sdk).with("wxacode.tracing.enabled", "true");
        stack.startApp();
    }

    @AfterAll
    static void closeSdk() {
        sdk.close();
    }

    /** The token is fetched within the request under test: the cached one is refused and replaced. */
    @BeforeEach
    void freshTokenAndNoSpans() {
        sim().revokeTokens();
        SPANS.reset();
    }

    @Test
    @Order(1)
    void anHttpRequestIsOneTraceContinuedFromTheCallerAndItsReplyCarriesIt() throws Exception {
        String traceId = hex(16);
        String callerSpan = hex(8);

        HttpResponse<String> reply = postWith(Map.of("traceparent", "00-" + traceId + "-" + callerSpan + "-01",
                "tracestate", "caller=t61rcWkgMzE"), "{\"scene\":\"trace=http\"}");

        assertEquals(200, reply.statusCode(), reply.body());
        String answered = reply.headers().firstValue("traceparent").orElseThrow();
        assertTrue(answered.startsWith("00-" + traceId + "-"), answered);
        assertEquals("caller=t61rcWkgMzE", reply.headers().firstValue("tracestate").orElse(null));

        List<SpanData> spans = awaitTrace(traceId, component("camel-platform-http"));
        SpanData ingress = only(spans, component("camel-platform-http").and(op("EVENT_RECEIVED")));
        assertEquals(callerSpan, ingress.getParentSpanId(), "the caller's span is the ingress span's parent");
        assertEquals(ingress.getSpanId(), spanIdOf(answered), "the reply names the ingress span");
        assertPipelineSpans(spans, traceId);
        assertSpansFormOneTree(spans, ingress);
        assertDownstreamCallsCarried(traceId);
        assertNoSecretInAnySpan();
    }

    @Test
    @Order(2)
    void anHttpRequestWithoutTraceparentStartsATraceOfItsOwnAndAnErrorReplyCarriesIt() throws Exception {
        HttpResponse<String> reply = postWith(Map.of(), "{\"scene\":\"has space\"}");

        assertEquals(400, reply.statusCode(), reply.body());
        String answered = reply.headers().firstValue("traceparent").orElseThrow();
        String traceId = answered.substring(3, 35);
        List<SpanData> spans = awaitTrace(traceId, component("camel-platform-http"));
        SpanData ingress = only(spans, component("camel-platform-http").and(op("EVENT_RECEIVED")));
        assertFalse(SpanId.isValid(ingress.getParentSpanId()), "a root span");
        assertEquals(ingress.getSpanId(), spanIdOf(answered));
        assertTrue(reply.headers().firstValue("tracestate").isEmpty());
    }

    @Test
    @Order(3)
    void aKafkaRequestIsOneTraceContinuedFromTheRecordAndItsReplyCarriesIt() throws Exception {
        String traceId = hex(16);
        String callerSpan = hex(8);

        send(null, "trace-k1", "{\"scene\":\"trace=kafka\"}", Map.of("traceparent", "00-" + traceId + "-" + callerSpan + "-01"));

        ConsumerRecord<byte[], byte[]> reply = await(replies, keyStartsWith("trace-k1"), 1).get(0);
        assertEquals("ok", JSON.readTree(reply.value()).path("status").asText());
        String answered = header(reply, "traceparent");
        assertTrue(answered != null && answered.startsWith("00-" + traceId + "-"), answered);

        List<SpanData> spans = awaitTrace(traceId, component("camel-kafka").and(op("EVENT_RECEIVED")));
        SpanData ingress = only(spans, component("camel-kafka").and(op("EVENT_RECEIVED")));
        assertEquals(callerSpan, ingress.getParentSpanId(), "the record's span is the ingress span's parent");
        SpanData published = only(spans, component("camel-kafka").and(op("EVENT_SENT")));
        assertEquals(published.getSpanId(), spanIdOf(answered), "the reply names the span that published it");
        assertPipelineSpans(spans, traceId);
        assertSpansFormOneTree(spans, ingress);
        assertDownstreamCallsCarried(traceId);
        assertNoSecretInAnySpan();
    }

    @Test
    @Order(4)
    void aDeadLetterAndItsErrorReplyCarryTheRecordsTrace() throws Exception {
        String traceId = hex(16);

        send(null, "trace-d1", "{\"scene\": not json", Map.of("traceparent", "00-" + traceId + "-" + hex(8) + "-01"));

        ConsumerRecord<byte[], byte[]> letter = await(deadLetters, keyStartsWith("trace-d1"), 1).get(0);
        ConsumerRecord<byte[], byte[]> reply = await(replies, keyStartsWith("trace-d1"), 1).get(0);
        assertEquals("invalid_request", JSON.readTree(reply.value()).path("error").path("code").asText());
        assertTrue(header(letter, "traceparent").startsWith("00-" + traceId + "-"), header(letter, "traceparent"));
        assertTrue(header(reply, "traceparent").startsWith("00-" + traceId + "-"), header(reply, "traceparent"));
        assertNotEquals(header(letter, "traceparent"), header(reply, "traceparent"), "each names its own publishing span");
    }

    @Test
    @Order(5)
    void offMakesNoSpanAndAddsNoTraceparent() throws Exception {
        stack.stopApp();
        // the SDK stays bound: the setting alone decides
        stack.with("wxacode.tracing.enabled", "false");
        stack.startApp();
        sim().reset();
        SPANS.reset();
        String traceparent = "00-" + hex(16) + "-" + hex(8) + "-01";

        HttpResponse<String> httpReply = postWith(Map.of("traceparent", traceparent, "tracestate", "caller=x"),
                "{\"scene\":\"trace=off\"}");
        send(null, "trace-off", "{\"scene\":\"trace=off-kafka\"}", Map.of("traceparent", traceparent));
        ConsumerRecord<byte[], byte[]> kafkaReply = await(replies, keyStartsWith("trace-off"), 1).get(0);

        assertEquals(200, httpReply.statusCode(), httpReply.body());
        assertTrue(httpReply.headers().firstValue("traceparent").isEmpty());
        assertTrue(httpReply.headers().firstValue("tracestate").isEmpty());
        assertEquals("ok", JSON.readTree(kafkaReply.value()).path("status").asText());
        assertNull(header(kafkaReply, "traceparent"));
        assertEquals(List.of(), sim().traceparents(), "nothing goes to WeChat either");
        assertEquals(List.of(), SPANS.getFinishedSpanItems());
    }

    /** The token fetch, the WeChat call and the S3 put of the request, all in its trace. */
    private static void assertPipelineSpans(List<SpanData> spans, String traceId) {
        spans.forEach(s -> assertEquals(traceId, s.getTraceId(), s.toString()));
        SpanData token = only(spans, s -> s.getName().equals("fetch access token"));
        assertEquals("default", token.getAttributes().get(APP));
        assertTrue(spans.stream().anyMatch(component("camel-http").and(op("EVENT_SENT"))), names(spans));
        assertTrue(spans.stream().anyMatch(component("camel-aws2-s3").and(op("EVENT_SENT"))
                .and(s -> !s.getAttributes().get(URI_TAG).contains("operation="))), "the put: " + names(spans));
    }

    /** Every span's parent is the ingress span or another span of the request. */
    private static void assertSpansFormOneTree(List<SpanData> spans, SpanData ingress) {
        Set<String> ids = spans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
        for (SpanData span : spans) {
            if (span != ingress) {
                assertTrue(ids.contains(span.getParentSpanId()), "orphan: " + span);
            }
        }
    }

    /** WeChat saw the trace on both the token request and the code request. */
    private static void assertDownstreamCallsCarried(String traceId) {
        List<String> seen = sim().traceparents();
        assertTrue(seen.stream().anyMatch(t -> t.startsWith("/cgi-bin/stable_token 00-" + traceId + "-")), seen.toString());
        assertTrue(seen.stream().anyMatch(t -> t.startsWith("/wxa/getwxacodeunlimit 00-" + traceId + "-")), seen.toString());
    }

    /** Spans go to a collector outside the service: no token or secret may be among their attributes. */
    private static void assertNoSecretInAnySpan() {
        Set<String> secrets = new java.util.HashSet<>(sim().issuedTokens());
        secrets.add(LocalStack.APP_SECRET);
        secrets.add(LocalStack.TEST_API_KEY);
        for (SpanData span : SPANS.getFinishedSpanItems()) {
            String text = span.getName() + " " + span.getAttributes() + " " + span.getEvents();
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "a secret in " + span);
            }
        }
    }

    /** Waits for the span that ends last (the ingress's) and returns every span of the trace. */
    private static List<SpanData> awaitTrace(String traceId, Predicate<SpanData> last) throws InterruptedException {
        long deadline = System.nanoTime() + SPAN_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<SpanData> spans = SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
            if (spans.stream().anyMatch(last)) {
                return spans;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("trace " + traceId + " incomplete: " + names(SPANS.getFinishedSpanItems()));
    }

    private static SpanData only(List<SpanData> spans, Predicate<SpanData> match) {
        List<SpanData> found = spans.stream().filter(match).toList();
        assertEquals(1, found.size(), names(spans));
        return found.get(0);
    }

    private static Predicate<SpanData> component(String name) {
        return s -> name.equals(s.getAttributes().get(COMPONENT));
    }

    private static Predicate<SpanData> op(String name) {
        return s -> name.equals(s.getAttributes().get(OP));
    }

    private static String names(List<SpanData> spans) {
        return spans.stream().map(s -> s.getName() + "[" + s.getAttributes().get(COMPONENT) + " " + s.getAttributes().get(OP) + " "
                + s.getSpanId() + "<-" + s.getParentSpanId() + "]").collect(Collectors.joining(", "));
    }

    private static HttpResponse<String> postWith(Map<String, String> headers, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/wxacode"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalStack.TEST_API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(json));
        new HashMap<>(headers).forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String spanIdOf(String traceparent) {
        return traceparent.substring(36, 52);
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
