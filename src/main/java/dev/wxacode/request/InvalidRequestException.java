package dev.wxacode.request;

import java.util.List;
import java.util.stream.Collectors;

import dev.wxacode.reply.WxacodeException;

/** The request breaks one or more rules; it can never succeed as it is. */
public final class InvalidRequestException extends WxacodeException {

    private final List<Violation> violations;
    private final String requestId;

    public InvalidRequestException(List<Violation> violations, String requestId) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
        this.requestId = requestId;
    }

    public static InvalidRequestException of(String field, String rule) {
        return new InvalidRequestException(List.of(new Violation(field, rule)), null);
    }

    /** The request's own id, when it could be read, so that even a refusal can be matched. */
    public String requestId() {
        return requestId;
    }

    public List<Violation> violations() {
        return violations;
    }

    @Override
    public String code() {
        return "invalid_request";
    }

    @Override
    public int httpStatus() {
        return 400;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
