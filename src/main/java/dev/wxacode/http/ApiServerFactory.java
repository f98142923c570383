package dev.wxacode.http;

import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.HttpServerConfigurationProperties;

/**
 * Camel Main asks the registry for this factory when camel.server.enabled is true: the API port then
 * gets an {@link ApiServer} on camel.server.host and port. The management port keeps Camel's server.
 */
public final class ApiServerFactory extends DefaultMainHttpServerFactory {

    @Override
    public Service newHttpServer(CamelContext camelContext, HttpServerConfigurationProperties properties) {
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(properties.getHost());
        configuration.setBindPort(properties.getPort());
        configuration.setPath(properties.getPath());
        configuration.setServerType("server");
        ApiServer server = new ApiServer(configuration, EdgeLimits.of(camelContext));
        server.setCamelContext(camelContext);
        return server;
    }
}
