package dev.wxacode;

import dev.wxacode.http.ApiServerFactory;
import dev.wxacode.http.HttpBeans;
import dev.wxacode.kafka.KafkaBeans;
import dev.wxacode.store.StorageBeans;
import dev.wxacode.tracing.TracingSetup;
import org.apache.camel.main.Main;

/** Starts wxacode-route: Camel Main, its routes loaded from the *.camel.yaml files under {@code routes/} on disk. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        FlushLogsLast.installFor(Thread.currentThread());
        create().run(args);
    }

    /** The application, not started; tests and local mode add override properties before starting it. */
    public static Main create() {
        Main main = new Main();
        // bound before Main configures camel.server: the API port is an ApiServer, not Camel's default server
        main.bind("apiServerFactory", new ApiServerFactory());
        // before Main configures camel.opentelemetry2: the tracer it looks up must be bound by then
        main.addMainListener(new TracingSetup());
        // instances, not classes: Camel Main post-processes a configuration class twice (every bean built twice).
        // In this order: the S3 client is bound before the beans that take it by name.
        main.configure().addConfiguration(new StorageBeans());
        main.configure().addConfiguration(new HttpBeans());
        main.configure().addConfiguration(new KafkaBeans());
        main.configure().addConfiguration(new CamelConfiguration());
        return main;
    }
}
