package dev.wxacode.core;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The one way the beans drop headers. The routes' removeHeaders steps keep the same ones by their
 * excludePattern (HeaderKeepListTest holds the two together).
 */
public final class MessageHeaders {

    /**
     * Camel's redelivery bookkeeping, in which the error policy counts its retries: CamelRedeliver*
     * in the routes. Never taken from a request: platform-http and camel-kafka drop inbound Camel* headers.
     */
    public static final List<String> KEPT = List.of(Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERY_MAX_COUNTER, Exchange.REDELIVERED,
            Exchange.REDELIVERY_DELAY);

    private MessageHeaders() {
    }

    /**
     * Drops every header but Camel's redelivery bookkeeping: inbound HTTP or Kafka headers must not
     * travel on to WeChat or into a reply.
     */
    public static void clear(Message message) {
        message.removeHeaders("*", KEPT.toArray(String[]::new));
    }
}
