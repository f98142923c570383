package dev.wxacode.core;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** The one way the pipeline drops headers. */
public final class MessageHeaders {

    private MessageHeaders() {
    }

    /**
     * Drops every header but Camel's redelivery bookkeeping: inbound HTTP or Kafka headers must not
     * travel on to WeChat or into a reply, while the error policy counts its retries in those three.
     */
    public static void clear(Message message) {
        message.removeHeaders("*", Exchange.REDELIVERY_COUNTER, Exchange.REDELIVERY_MAX_COUNTER, Exchange.REDELIVERED);
    }
}
