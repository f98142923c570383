package dev.wxacode.request;

import java.util.Arrays;
import java.util.Optional;

/**
 * The fields a request may carry. Callers come from WeChat's HTTPS docs (snake_case) and from the
 * cloud SDK (camelCase), so both spellings are accepted; {@link #wechatName} is what is sent on.
 */
public enum RequestField {
    REQUEST_ID("requestId", "requestId"),
    APP("app", "app"),
    TYPE("type", "type"),
    SCENE("scene", "scene"),
    PAGE("page", "page"),
    PATH("path", "path"),
    CHECK_PATH("check_path", "checkPath"),
    ENV_VERSION("env_version", "envVersion"),
    WIDTH("width", "width"),
    AUTO_COLOR("auto_color", "autoColor"),
    LINE_COLOR("line_color", "lineColor"),
    IS_HYALINE("is_hyaline", "isHyaline");

    private final String wechatName;
    private final String camelName;

    RequestField(String wechatName, String camelName) {
        this.wechatName = wechatName;
        this.camelName = camelName;
    }

    public String wechatName() {
        return wechatName;
    }

    public static Optional<RequestField> named(String name) {
        return Arrays.stream(values())
                .filter(f -> f.wechatName.equals(name) || f.camelName.equals(name))
                .findFirst();
    }
}
