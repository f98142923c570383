package dev.wxacode.steps;

import dev.wxacode.reply.FailureClass;
import org.apache.camel.Exchange;

/** {@link FailureClass} for the error policies' onWhen (routes/errors/). */
public final class Failures {

    public boolean isTransient(Exchange exchange) {
        return FailureClass.of(failure(exchange)) == FailureClass.TRANSIENT;
    }

    public boolean isConfiguration(Exchange exchange) {
        return FailureClass.of(failure(exchange)) == FailureClass.CONFIGURATION;
    }

    /**
     * While Camel picks the onException it has moved the failure to EXCEPTION_CAUGHT (set just
     * before, so never one a doCatch left behind earlier).
     */
    private static Throwable failure(Exchange exchange) {
        Throwable failure = exchange.getException();
        return failure != null ? failure : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }
}
