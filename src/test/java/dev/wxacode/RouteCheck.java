package dev.wxacode;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.wxacode.core.FlowProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.main.Main;
import org.apache.camel.model.Model;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.support.EndpointHelper;

/**
 * Loads the route files with application.properties as the service does, but starts no route:
 * Camel then resolves every bean, bean method, property placeholder and static endpoint URI (and
 * with them each endpoint's options) while it builds the routes, and fails on the first it cannot.
 * The dynamic URIs (toD) are made into endpoints here, their ${...} parts filled with a stand-in,
 * so a misspelt option there fails as well. Nothing is contacted: the broker, S3 and WeChat
 * addresses point at a closed port.
 */
public final class RouteCheck {

    /** What was checked. */
    public record Result(int routes, int routeConfigurations, int dynamicUris, long millis) {
        @Override
        public String toString() {
            return routes + " routes, " + routeConfigurations + " route configurations, " + dynamicUris
                    + " dynamic URIs checked in " + millis + " ms";
        }
    }

    private static final Pattern SIMPLE = Pattern.compile("\\$\\{[^}]*}");
    /** ${exchangeProperty.NAME...}, or the name of a setProperty/removeProperty step. */
    private static final Pattern PROPERTY_NAME = Pattern.compile(
            "exchangeProperty\\.(\\w+)|(?:setProperty|removeProperty):\\s*\\n(?:\\s+(?!name:)\\w+:.*\\n)*\\s+name:\\s*\"?(\\w+)");
    /** The names a removeProperties step lists in its pattern, as a|b|c. */
    private static final Pattern REMOVED_NAMES = Pattern.compile(
            "removeProperties:\\s*\\n(?:\\s+(?!pattern:)\\w+:.*\\n)*\\s+pattern:\\s*\"?([\\w|]+)");

    private RouteCheck() {
    }

    public static Result check(Path routesDir) throws Exception {
        long started = System.nanoTime();
        Main main = Application.create();
        String closed = "127.0.0.1:" + closedPort();
        Map<String, String> props = Map.ofEntries(
                Map.entry("wxacode.routes-dir", routesDir.toString()),
                // routes are built (beans, methods, placeholders, endpoints) but none is started
                Map.entry("camel.main.auto-startup", "false"),
                Map.entry("camel.main.routes-reload-enabled", "false"),
                Map.entry("http.host", "127.0.0.1"),
                Map.entry("http.port", Integer.toString(freePort())),
                Map.entry("management.host", "127.0.0.1"),
                Map.entry("management.port", Integer.toString(freePort())),
                Map.entry("http.auth.mode", "none"),
                Map.entry("wechat.base-url", "http://" + closed),
                Map.entry("wechat.app.id", "wx-route-check"),
                Map.entry("wechat.app.secret", "route-check-secret"),
                Map.entry("s3.endpoint", "http://" + closed),
                Map.entry("s3.region", "us-east-1"),
                Map.entry("s3.access-key", "route-check"),
                Map.entry("s3.secret-key", "route-check"),
                Map.entry("kafka.brokers", closed));
        props.forEach(main::addOverrideProperty);
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
            List<ProcessorDefinition<?>> steps = new ArrayList<>();
            for (RouteDefinition route : model.getRouteDefinitions()) {
                collect(route.getOutputs(), steps);
            }
            for (RouteConfigurationDefinition configuration : model.getRouteConfigurationDefinitions()) {
                for (OnExceptionDefinition onException : configuration.getOnExceptions()) {
                    collect(onException.getOutputs(), steps);
                }
            }
            for (RouteRules.Rule rule : RouteRules.RULES) {
                if (model.getRouteDefinition(rule.routeId()) == null) {
                    throw new IllegalArgumentException("no route " + rule.routeId() + ", which must have step " + rule.stepId());
                }
            }
            checkPropertyNames(routesDir);
            int dynamic = 0;
            for (ProcessorDefinition<?> step : steps) {
                if (step instanceof ToDynamicDefinition toD) {
                    checkDynamicUri(context, toD);
                    dynamic++;
                }
            }
            return new Result(model.getRouteDefinitions().size(), model.getRouteConfigurationDefinitions().size(), dynamic,
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            main.stop();
        }
    }

    /**
     * Every exchange property a route file names (in ${exchangeProperty.X} or a setProperty's name)
     * is one the Java side defines in FlowProperties: the names are defined once, there.
     */
    private static void checkPropertyNames(Path routesDir) throws Exception {
        Set<String> defined = new TreeSet<>();
        for (Field field : FlowProperties.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                defined.add((String) field.get(null));
            }
        }
        try (Stream<Path> files = Files.walk(routesDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                String yaml = Files.readString(file);
                List<String> names = new ArrayList<>();
                Matcher used = PROPERTY_NAME.matcher(yaml);
                while (used.find()) {
                    names.add(used.group(1) != null ? used.group(1) : used.group(2));
                }
                Matcher removed = REMOVED_NAMES.matcher(yaml);
                while (removed.find()) {
                    names.addAll(List.of(removed.group(1).split("\\|")));
                }
                for (String name : names) {
                    if (!defined.contains(name)) {
                        throw new IllegalArgumentException(file + ": exchange property " + name
                                + " is not one of dev.wxacode.core.FlowProperties " + defined);
                    }
                }
            }
        }
    }

    private static void collect(List<ProcessorDefinition<?>> outputs, List<ProcessorDefinition<?>> into) {
        for (ProcessorDefinition<?> step : outputs) {
            into.add(step);
            collect(step.getOutputs(), into);
        }
    }

    /** Made into an endpoint (options validated) but not started, so nothing is contacted. */
    private static void checkDynamicUri(CamelContext context, ToDynamicDefinition toD) throws Exception {
        String uri = context.resolvePropertyPlaceholders(toD.getUri());
        // a stand-in for each ${...}: a path segment where it starts a path (as after {{wechat.base-url}})
        Matcher simple = SIMPLE.matcher(uri);
        StringBuilder filled = new StringBuilder();
        while (simple.find()) {
            char before = simple.start() == 0 ? '/' : uri.charAt(simple.start() - 1);
            simple.appendReplacement(filled, "/?=&:".indexOf(before) >= 0 ? "route-check" : "/route-check");
        }
        uri = simple.appendTail(filled).toString();
        String scheme = uri.substring(0, uri.indexOf(':'));
        Component component = context.getComponent(scheme, true);
        if (component == null) {
            throw new IllegalArgumentException("step " + toD.getId() + ": no component for " + scheme + " (" + toD.getUri() + ")");
        }
        try {
            component.createEndpoint(EndpointHelper.normalizeEndpointUri(uri)).close();
        } catch (Exception e) {
            throw new IllegalArgumentException("step " + toD.getId() + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A port nothing listens on: taken and let go. */
    private static int closedPort() throws IOException {
        return freePort();
    }
}
