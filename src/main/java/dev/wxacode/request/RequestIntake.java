package dev.wxacode.request;

import java.util.UUID;

import dev.wxacode.FlowProperties;
import org.apache.camel.Exchange;

/**
 * First step of the pipeline: reads and validates the body, and settles the request id (the
 * body's, else one an ingress found elsewhere, else a new one).
 */
public final class RequestIntake {

    private final RequestReader reader;

    public RequestIntake(RequestReader reader) {
        this.reader = reader;
    }

    public void read(Exchange exchange) {
        WxacodeRequest request = reader.read(exchange.getMessage().getBody(byte[].class));
        String id = request.requestId();
        if (id == null) {
            id = exchange.getProperty(FlowProperties.REQUEST_ID, String.class);
        }
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        exchange.setProperty(FlowProperties.REQUEST_ID, id);
        exchange.setProperty(FlowProperties.REQUEST, request.withRequestId(id));
    }
}
