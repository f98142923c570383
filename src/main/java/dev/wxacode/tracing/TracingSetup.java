package dev.wxacode.tracing;

import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the {@link Tracing} bean, and with wxacode.tracing.enabled the OpenTelemetry tracer and
 * propagators camel-opentelemetry2 looks up by type. It runs before Camel Main configures the
 * context, because camel.opentelemetry2.enabled starts Camel's tracer then, before the beans of
 * CamelConfiguration exist. The SDK is an OpenTelemetry bound by whoever embeds the app, else one
 * configured from the standard OTEL_* variables (otel.* system properties).
 */
public final class TracingSetup extends MainListenerSupport {

    public static final String ENABLED_PROPERTY = "wxacode.tracing.enabled";
    public static final String SERVICE_NAME = "wxacode-route";

    private static final Logger LOG = LoggerFactory.getLogger(TracingSetup.class);
    private static final AttributeKey<String> SERVICE_NAME_KEY = AttributeKey.stringKey("service.name");
    /**
     * Below the OTEL_* variables and otel.* system properties: traces only (metrics are served for
     * Prometheus, logs go to stdout), and OTLP over HTTP, the one transport the JDK sender has.
     */
    private static final Map<String, String> SDK_DEFAULTS = Map.of(
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none",
            "otel.exporter.otlp.protocol", "http/protobuf");

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Registry registry = context.getRegistry();
        boolean enabled = context.getPropertiesComponent().resolveProperty(ENABLED_PROPERTY)
                .map(value -> Boolean.parseBoolean(value.trim())).orElse(false);
        if (!enabled) {
            registry.bind("tracing", Tracing.off());
            return;
        }
        OpenTelemetry openTelemetry = registry.findSingleByType(OpenTelemetry.class);
        boolean bound = openTelemetry != null;
        if (!bound) {
            OpenTelemetrySdk sdk = fromEnvironment();
            closeWith(context, sdk);
            openTelemetry = sdk;
        }
        registry.bind("openTelemetryTracer", Tracer.class, openTelemetry.getTracer("camel"));
        registry.bind("openTelemetryPropagators", ContextPropagators.class, openTelemetry.getPropagators());
        registry.bind("tracing", Tracing.on(openTelemetry));
        LOG.info("Tracing on: W3C trace context continued from callers, spans exported {}",
                bound ? "by the OpenTelemetry bound in the registry" : "as the OTEL_* variables say");
    }

    /**
     * Closes (flushes) the SDK as the context stops: after its routes have drained, so that the
     * spans of the last requests go out too, and on SIGTERM as well, when Camel's hangup hook stops
     * the context and the JVM exits without Main's own after-stop callbacks.
     */
    private static void closeWith(CamelContext context, OpenTelemetrySdk sdk) {
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    sdk.close();
                }
            }, true);
        } catch (Exception e) {
            sdk.close();
            throw new IllegalStateException("cannot tie the OpenTelemetry SDK to the Camel context", e);
        }
    }

    private static OpenTelemetrySdk fromEnvironment() {
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> SDK_DEFAULTS)
                .addResourceCustomizer((resource, config) -> named(resource))
                // closed with the context (closeWith), rather than by a hook racing Camel's own
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
    }

    /** The service's name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES gave one. */
    private static Resource named(Resource resource) {
        String name = resource.getAttribute(SERVICE_NAME_KEY);
        if (name != null && !name.startsWith("unknown_service")) {
            return resource;
        }
        return resource.merge(Resource.create(Attributes.of(SERVICE_NAME_KEY, SERVICE_NAME)));
    }
}
