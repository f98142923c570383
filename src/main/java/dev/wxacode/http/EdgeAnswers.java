package dev.wxacode.http;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.reply.ReplyError;
import dev.wxacode.reply.WxacodeException;
import dev.wxacode.reply.WxacodeReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The service's JSON error reply for what the HTTP edge refuses before a route sees the request:
 * no key, the wrong method or path, a head or body over the limit, a client too slow. A body that
 * was announced as small is left to arrive and be thrown away, so that an ordinary client reads its
 * answer instead of a broken pipe; any other unread body ends the connection after the answer.
 */
final class EdgeAnswers {

    private final ObjectMapper mapper;
    private final long smallBodyBytes;

    /** @param smallBodyBytes a body at most this long is let in and discarded after a refusal */
    EdgeAnswers(ObjectMapper mapper, long smallBodyBytes) {
        this.mapper = mapper;
        this.smallBodyBytes = smallBodyBytes;
    }

    void refuse(HttpServerRequest request, WxacodeException refusal) {
        if (refusal.httpStatus() == 401) {
            request.response().putHeader("WWW-Authenticate", "Bearer");
        }
        answer(request, refusal.httpStatus(), refusal.code(), refusal.getMessage(), refusal.retryable());
    }

    void answer(HttpServerRequest request, int status, String code, String message, boolean retryable) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed() || response.headWritten()) {
            response.close();
            return;
        }
        byte[] body;
        try {
            // no request id: the body that might carry one was never read
            body = mapper.writeValueAsBytes(WxacodeReply.error(UUID.randomUUID().toString(),
                    new ReplyError(code, message, null, retryable, null)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error reply", e);
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json");
        // 408: the body stalled, so waiting for the rest of it is exactly what must not happen
        if (status != 408 && (request.isEnded() || smallBodyAnnounced(request))) {
            response.end(Buffer.buffer(body));
        } else {
            response.putHeader("Connection", "close").end(Buffer.buffer(body)).onComplete(done -> response.close());
        }
    }

    private boolean smallBodyAnnounced(HttpServerRequest request) {
        String length = request.headers().get("Content-Length");
        try {
            return length != null && Long.parseLong(length.trim()) <= smallBodyBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
