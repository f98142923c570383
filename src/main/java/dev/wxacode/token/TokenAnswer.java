package dev.wxacode.token;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.core.Errcode;
import dev.wxacode.core.WechatUnavailableException;

/**
 * A token request sent, and its answer, {"access_token": ..., "expires_in": ...} or an errcode,
 * read the same way whether it came from WeChat or from a token service that passes it on.
 */
final class TokenAnswer {

    private TokenAnswer() {
    }

    /** Sends a token request; a connection that fails or times out is an outage of {@code what}. */
    static HttpResponse<byte[]> send(HttpClient http, HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw WechatUnavailableException.unavailable(what, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw WechatUnavailableException.unavailable(what, "interrupted");
        }
    }

    /**
     * @param app   the app the token is for, whose settings a configuration fault names
     * @param scrub removes anything secret from text that goes into an exception
     */
    static AccessToken read(ObjectMapper mapper, byte[] body, String what, String app, UnaryOperator<String> scrub) {
        JsonNode answer;
        try {
            answer = mapper.readTree(body);
        } catch (IOException e) {
            throw WechatUnavailableException.unavailable(what, "the answer is not JSON");
        }
        if (answer != null && answer.hasNonNull("access_token")) {
            return new AccessToken(answer.get("access_token").asText(), answer.path("expires_in").asLong(7200));
        }
        int errcode = answer == null ? 0 : answer.path("errcode").asInt(0);
        String errmsg = scrub.apply(answer == null ? "" : answer.path("errmsg").asText(""));
        String hint = TokenConfigurationException.hintFor(errcode, app);
        if (hint != null) {
            throw new TokenConfigurationException(errcode, hint);
        }
        if (Errcode.classOf(errcode) == Errcode.TRANSIENT) {
            throw WechatUnavailableException.busy(what, errcode, errmsg);
        }
        throw WechatUnavailableException.unexpected(what, errcode, errmsg);
    }
}
