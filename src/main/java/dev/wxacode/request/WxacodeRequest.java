package dev.wxacode.request;

/**
 * A validated getUnlimited request. Fields the caller left out stay null, so that the call to
 * WeChat sends only what was asked; the {@code effective*} accessors apply WeChat's defaults and
 * are what identifies the resulting image.
 */
public record WxacodeRequest(
        String requestId,
        String scene,
        String page,
        Boolean checkPath,
        String envVersion,
        Integer width,
        Boolean autoColor,
        LineColor lineColor,
        Boolean isHyaline) {

    public static final String DEFAULT_ENV_VERSION = "release";
    public static final int DEFAULT_WIDTH = 430;

    public WxacodeRequest withRequestId(String id) {
        return new WxacodeRequest(id, scene, page, checkPath, envVersion, width, autoColor, lineColor, isHyaline);
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
