package dev.wxacode.request;

import dev.wxacode.core.CodeKind;

/**
 * A validated request for one code. Fields the caller left out stay null, so that the call to
 * WeChat sends only what was asked; the {@code effective*} accessors apply the defaults and are
 * what identifies the resulting image.
 *
 * @param app  the configured mini program it is for; null: the one named {@value #DEFAULT_APP}
 * @param type the kind of code; null: {@link CodeKind#UNLIMITED}
 * @param path the page and its query, for the limited kinds (scene and page are for unlimited)
 */
public record WxacodeRequest(
        String requestId,
        String app,
        CodeKind type,
        String scene,
        String page,
        String path,
        Boolean checkPath,
        String envVersion,
        Integer width,
        Boolean autoColor,
        LineColor lineColor,
        Boolean isHyaline) {

    public static final String DEFAULT_APP = "default";
    public static final String DEFAULT_ENV_VERSION = "release";
    public static final int DEFAULT_WIDTH = 430;

    /** A getUnlimited request for the default app, as most callers send. */
    public static WxacodeRequest unlimited(String requestId, String scene, String page, Boolean checkPath, String envVersion,
                                           Integer width, Boolean autoColor, LineColor lineColor, Boolean isHyaline) {
        return new WxacodeRequest(requestId, null, null, scene, page, null, checkPath, envVersion, width, autoColor,
                lineColor, isHyaline);
    }

    public WxacodeRequest withRequestId(String id) {
        return new WxacodeRequest(id, app, type, scene, page, path, checkPath, envVersion, width, autoColor, lineColor,
                isHyaline);
    }

    public String effectiveApp() {
        return app == null ? DEFAULT_APP : app;
    }

    public CodeKind effectiveType() {
        return type == null ? CodeKind.UNLIMITED : type;
    }

    /** The empty string stands for the app's home page. */
    public String effectivePage() {
        return page == null ? "" : page;
    }

    public boolean effectiveCheckPath() {
        return checkPath == null || checkPath;
    }

    public String effectiveEnvVersion() {
        return envVersion == null ? DEFAULT_ENV_VERSION : envVersion;
    }

    public int effectiveWidth() {
        return width == null ? DEFAULT_WIDTH : width;
    }

    public boolean effectiveAutoColor() {
        return autoColor != null && autoColor;
    }

    public LineColor effectiveLineColor() {
        return lineColor == null ? LineColor.BLACK : lineColor;
    }

    public boolean effectiveHyaline() {
        return isHyaline != null && isHyaline;
    }
}
