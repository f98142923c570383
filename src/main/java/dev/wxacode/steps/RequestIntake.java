package dev.wxacode.steps;

import java.util.List;
import java.util.UUID;

import dev.wxacode.core.FlowProperties;
import dev.wxacode.request.InvalidRequestException;
import dev.wxacode.request.RequestReader;
import dev.wxacode.request.Violation;
import dev.wxacode.request.WxacodeRequest;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

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

    /**
     * @param headerViolations what the ingress found broken outside the body (null: nothing)
     * @param foundId          the request id the ingress found outside the body (a Kafka header), if any
     * @return the request, its id settled
     */
    public WxacodeRequest read(@Body byte[] body,
                               @ExchangeProperty(FlowProperties.HEADER_VIOLATIONS) List<Violation> headerViolations,
                               @ExchangeProperty(FlowProperties.REQUEST_ID) String foundId) {
        List<Violation> outside = headerViolations == null ? List.of() : headerViolations;
        WxacodeRequest request;
        try {
            request = reader.read(body);
        } catch (InvalidRequestException e) {
            throw outside.isEmpty() ? e : e.after(outside);
        }
        if (!outside.isEmpty()) {
            throw new InvalidRequestException(outside, request.requestId());
        }
        String id = request.requestId();
        if (id == null) {
            id = foundId;
        }
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        return request.withRequestId(id);
    }
}
