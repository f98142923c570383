package dev.wxacode.http;

import dev.wxacode.core.Settings;
import io.vertx.core.VertxOptions;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** The beans of the HTTP ingress (routes/ingress/http.camel.yaml) and of the API port it listens on. */
public final class HttpBeans implements CamelConfiguration {

    /** What a request must show before its body is read: the API key, the JSON content type. */
    @BindToRegistry("httpGate")
    public HttpGate httpGate(CamelContext context) {
        return HttpGate.of(new Settings(context));
    }

    /**
     * Picked up by platform-http's Vert.x server. Each HTTP request holds a worker thread while it
     * waits for WeChat and S3, so Vert.x's default of 20 workers would cap the requests in flight.
     */
    @BindToRegistry("vertxOptions")
    public VertxOptions vertxOptions(CamelContext context) {
        return new VertxOptions().setWorkerPoolSize(new Settings(context).number("http.worker-threads"));
    }
}
