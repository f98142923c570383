package dev.wxacode.http;

import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** What an HTTP request must show before its body is read: a valid API key, then a JSON body. */
public final class HttpGate {

    private final ApiKeys keys;

    public HttpGate(ApiKeys keys) {
        this.keys = keys;
    }

    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        keys.check(message.getHeader("Authorization", String.class));
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!isJson(contentType)) {
            throw new UnsupportedMediaTypeException(contentType);
        }
    }

    /** application/json, or a +json type, with or without parameters such as charset. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
