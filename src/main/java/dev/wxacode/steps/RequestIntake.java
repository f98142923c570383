package dev.wxacode.steps;

import java.util.List;
import java.util.UUID;

import dev.wxacode.core.FlowProperties;
import dev.wxacode.request.InvalidRequestException;
import dev.wxacode.request.RequestReader;
import dev.wxacode.request.Violation;
import dev.wxacode.request.WxacodeRequest;
import org.apache.camel.Exchange;

/**
 * First step of the pipeline: reads and validates the body, and settles the request id (the
 * body's, else one an ingress found elsewhere, else a new one). Violations an ingress found outside
 * the body are reported with the body's, so one reply names every problem.
 */
public final class RequestIntake {

    private final RequestReader reader;

    public RequestIntake(RequestReader reader) {
        this.reader = reader;
    }

    public void read(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Violation> headerViolations = exchange.getProperty(FlowProperties.HEADER_VIOLATIONS, List.of(), List.class);
        WxacodeRequest request;
        try {
            request = reader.read(exchange.getMessage().getBody(byte[].class));
        } catch (InvalidRequestException e) {
            throw headerViolations.isEmpty() ? e : e.after(headerViolations);
        }
        if (!headerViolations.isEmpty()) {
            throw new InvalidRequestException(headerViolations, request.requestId());
        }
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
