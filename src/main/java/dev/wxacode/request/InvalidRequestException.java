package dev.wxacode.request;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.wxacode.core.WxacodeException;
import dev.wxacode.text.Untrusted;

/** The request breaks one or more rules; it can never succeed as it is. */
public final class InvalidRequestException extends WxacodeException {

    /** Every violation is in the reply's list; the message, which is also logged, sums them up within this. */
    static final int MESSAGE_MAX = 1024;

    private final List<Violation> violations;
    private final String requestId;

    /** @param requestId the request's own id, only if it is valid (it goes out in the reply and its headers) */
    public InvalidRequestException(List<Violation> violations, String requestId) {
        super(Untrusted.printable(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")), MESSAGE_MAX));
        this.violations = List.copyOf(violations);
        this.requestId = requestId;
    }

    public static InvalidRequestException of(String field, String rule) {
        return new InvalidRequestException(List.of(new Violation(field, rule)), null);
    }

    /** The same refusal with other violations (found before the body was read) listed first. */
    public InvalidRequestException after(List<Violation> earlier) {
        List<Violation> all = new ArrayList<>(earlier);
        all.addAll(violations);
        return new InvalidRequestException(all, requestId);
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
