package dev.wxacode.http;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.core.WxacodeException;
import dev.wxacode.reply.ReplyError;
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

    /** What a refused client may still send after its answer before the connection is closed on it. */
    static final long LINGER_BYTES = 64 * 1024;

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
            response.putHeader("Connection", "close").end(Buffer.buffer(body))
                    .onComplete(done -> closeAfterLinger(request, status == 408 ? 0 : LINGER_BYTES));
        }
    }

    /**
     * Closes the connection once the client has stopped sending, or has sent {@code lingerBytes}
     * more (discarded as they come), whichever is first; the connection guard's read timeout ends
     * a client that does neither. Closing a socket with request bytes still arriving makes the
     * kernel answer them with a reset, which can destroy the answer before an ordinary client has
     * read it (nginx's "lingering close" exists for the same reason).
     */
    private static void closeAfterLinger(HttpServerRequest request, long lingerBytes) {
        if (request.isEnded() || lingerBytes <= 0) {
            request.response().close();
            return;
        }
        long[] left = {lingerBytes};
        request.handler(chunk -> {
            left[0] -= chunk.length();
            if (left[0] <= 0) {
                request.response().close();
            }
        });
        request.endHandler(end -> request.response().close());
        request.resume();
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
