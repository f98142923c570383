package dev.wxacode.steps;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.apps.MiniProgram;
import dev.wxacode.apps.MiniPrograms;
import dev.wxacode.core.CodeKind;
import dev.wxacode.core.Errcode;
import dev.wxacode.core.FlowProperties;
import dev.wxacode.core.ImageFormat;
import dev.wxacode.core.WechatUnavailableException;
import dev.wxacode.observe.LimitedCodeUsage;
import dev.wxacode.observe.PipelineMetrics;
import dev.wxacode.quota.QuotaAlarm;
import dev.wxacode.request.LineColor;
import dev.wxacode.request.RequestField;
import dev.wxacode.request.WxacodeRequest;
import dev.wxacode.text.Untrusted;
import dev.wxacode.token.AccessToken;
import dev.wxacode.wechat.WechatRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * The steps around the camel-http call for a code (getUnlimited, getwxacode or createwxaqrcode):
 * the app's token and quota slot, what goes out, and what the answer means. WeChat answers errors
 * with HTTP 200 and a JSON body, so the answer is judged by its bytes, never by the status or the
 * Content-Type alone.
 */
public final class WechatCodeCall {

    private static final int QUOTA_EXCEEDED = 45009;
    private static final int ERRMSG_MAX = 256;
    private static final String NUM_USED_HEADER = "Num-Used";

    private final MiniPrograms programs;
    private final Duration quotaPause;
    private final ObjectMapper mapper;
    private final PipelineMetrics metrics;
    private final LimitedCodeUsage limitedUsage;
    private final QuotaAlarm quotaAlarm;

    public WechatCodeCall(MiniPrograms programs, Duration quotaPause, ObjectMapper mapper, PipelineMetrics metrics,
                          LimitedCodeUsage limitedUsage, QuotaAlarm quotaAlarm) {
        this.programs = programs;
        this.quotaPause = quotaPause;
        this.mapper = mapper;
        this.metrics = metrics;
        this.limitedUsage = limitedUsage;
        this.quotaAlarm = quotaAlarm;
    }

    /**
     * The app's cached token, once the app's pacer gives this call its slot (every attempt is a
     * call WeChat counts).
     */
    public AccessToken token(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request) {
        MiniProgram program = programs.of(request);
        AccessToken token = program.tokens().get();
        metrics.paced(program.pacer().awaitSlot());
        return token;
    }

    /** Below wechat.base-url: which of WeChat's three code APIs the request's type calls. */
    public String apiPath(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request) {
        return request.effectiveType().apiPath();
    }

    /** The query camel-http sends: the token, and nothing else from outside. */
    public String tokenQuery(@ExchangeProperty(FlowProperties.ACCESS_TOKEN) AccessToken token) {
        return "access_token=" + URLEncoder.encode(token.value(), StandardCharsets.UTF_8);
    }

    /** The request as the JSON body WeChat expects. */
    public byte[] wechatJson(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request) throws JsonProcessingException {
        return mapper.writeValueAsBytes(wechatBody(request));
    }

    /** WeChat's snake_case names, and only the fields the caller set: WeChat applies its own defaults. */
    static Map<String, Object> wechatBody(WxacodeRequest r) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (r.effectiveType() == CodeKind.UNLIMITED) {
            body.put(RequestField.SCENE.wechatName(), r.scene());
            putIfSet(body, RequestField.PAGE, r.page());
            putIfSet(body, RequestField.CHECK_PATH, r.checkPath());
        } else {
            body.put(RequestField.PATH.wechatName(), r.path());
        }
        putIfSet(body, RequestField.ENV_VERSION, r.envVersion());
        putIfSet(body, RequestField.WIDTH, r.width());
        putIfSet(body, RequestField.AUTO_COLOR, r.autoColor());
        LineColor color = r.lineColor();
        if (color != null) {
            body.put(RequestField.LINE_COLOR.wechatName(), Map.of("r", color.r(), "g", color.g(), "b", color.b()));
        }
        putIfSet(body, RequestField.IS_HYALINE, r.isHyaline());
        return body;
    }

    private static void putIfSet(Map<String, Object> body, RequestField field, Object value) {
        if (value != null) {
            body.put(field.wechatName(), value);
        }
    }

    /**
     * Judges WeChat's answer: null for an image (left in the body), the errcode for a refused
     * token (the route then retries once with a fresh one); anything else throws the failure it
     * stands for.
     */
    public Integer classify(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request,
                            @Header(Exchange.HTTP_RESPONSE_CODE) Integer status, @Body byte[] body) {
        MiniProgram program = programs.of(request);
        CodeKind kind = request.effectiveType();
        String what = kind.what();
        if (status == null || status != 200) {
            metrics.wechatAnswered(program.name(), kind.apiName(), "http_" + status);
            throw WechatUnavailableException.unavailable(what, "HTTP " + status);
        }
        if (ImageFormat.detect(body).isPresent()) {
            metrics.wechatAnswered(program.name(), kind.apiName(), "0");
            return null;
        }
        JsonNode error = parseError(body, what);
        int errcode = error.get("errcode").asInt();
        metrics.wechatAnswered(program.name(), kind.apiName(), Integer.toString(errcode));
        // WeChat's errmsg may quote the request (its scene or path): it goes into replies and log lines
        String errmsg = Untrusted.printable(error.path("errmsg").asText(""), ERRMSG_MAX);
        switch (Errcode.classOf(errcode)) {
            case TOKEN -> {
                return errcode;
            }
            case TRANSIENT -> {
                if (errcode == QUOTA_EXCEEDED) {
                    program.pacer().slowDown(quotaPause);
                    // the quota is the app's, not this instance's: the whole deployment pauses
                    quotaAlarm.quotaExceeded(program.appId());
                }
                throw WechatUnavailableException.busy(what, errcode, errmsg);
            }
            case PERMANENT -> {
                if (errcode == Errcode.LIFETIME_CAP_REACHED) {
                    limitedUsage.capReached(program.name());
                }
                throw new WechatRejectedException(errcode, errmsg);
            }
            default -> throw WechatUnavailableException.unexpected(what, errcode, errmsg);
        }
    }

    /** png or jpeg for an image in the body; null for anything else (a refused token's JSON). */
    public ImageFormat imageFormat(@Body byte[] body) {
        return ImageFormat.detect(body).orElse(null);
    }

    /**
     * For limited and qrcode codes, WeChat's count of the app's codes after this one (its Num-Used
     * header), recorded for the app's metric; null for other answers and kinds.
     */
    public Integer numUsed(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request,
                           @ExchangeProperty(FlowProperties.IMAGE_FORMAT) ImageFormat format,
                           @Header(NUM_USED_HEADER) String header) {
        if (format == null || !request.effectiveType().isLimited()) {
            return null;
        }
        Optional<Integer> used = limitedUsage.parse(header);
        used.ifPresent(count -> limitedUsage.record(programs.of(request).name(), count));
        return used.orElse(null);
    }

    /** Drops the refused token from the app's cache, unless another request already replaced it. */
    public void dropRejectedToken(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request,
                                  @ExchangeProperty(FlowProperties.ACCESS_TOKEN) AccessToken token) {
        programs.of(request).tokens().invalidate(token);
    }

    /** After the one retry with a fresh token, a second refusal is WeChat's problem, not the caller's. */
    public void requireImage(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request,
                             @ExchangeProperty(FlowProperties.TOKEN_REJECTED) Integer errcode) {
        if (errcode != null) {
            throw WechatUnavailableException.unexpected(request.effectiveType().what(), errcode,
                    "a freshly fetched access token was refused too");
        }
    }

    private JsonNode parseError(byte[] body, String what) {
        try {
            JsonNode node = body == null ? null : mapper.readTree(body);
            if (node != null && node.hasNonNull("errcode") && node.get("errcode").isInt() && node.get("errcode").asInt() != 0) {
                return node;
            }
        } catch (IOException e) {
            // neither an image nor JSON: reported below
        }
        throw WechatUnavailableException.unavailable(what, "the answer is neither an image nor a WeChat error");
    }
}
