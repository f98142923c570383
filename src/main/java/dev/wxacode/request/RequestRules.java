package dev.wxacode.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * WeChat's rules for getUnlimited (shared/wechat-api.md), checked before any call so that a
 * request that cannot succeed costs neither a token nor a share of the 5000/min quota.
 */
public final class RequestRules {

    public static final int SCENE_MAX = 32;
    public static final int WIDTH_MIN = 280;
    public static final int WIDTH_MAX = 1280;
    public static final int REQUEST_ID_MAX = 128;
    /** WeChat states no limit; real page paths are short, and this bounds what is stored as metadata. */
    public static final int PAGE_MAX = 512;
    public static final Set<String> ENV_VERSIONS = Set.of("release", "trial", "develop");

    private static final Pattern SCENE_CHARS = Pattern.compile("[0-9A-Za-z!#$&'()*+,/:;=?@\\-._~]+");
    private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7e]+");

    private RequestRules() {
    }

    public static List<Violation> check(WxacodeRequest r) {
        List<Violation> v = new ArrayList<>();
        checkScene(r.scene(), v);
        checkPage(r.page(), v);
        if (r.envVersion() != null && !ENV_VERSIONS.contains(r.envVersion())) {
            v.add(new Violation("env_version", "must be one of release, trial, develop (was \"" + r.envVersion() + "\")"));
        }
        if (r.width() != null && (r.width() < WIDTH_MIN || r.width() > WIDTH_MAX)) {
            v.add(new Violation("width", "must be between " + WIDTH_MIN + " and " + WIDTH_MAX + " (was " + r.width() + ")"));
        }
        if (r.requestId() != null && (r.requestId().length() > REQUEST_ID_MAX || !VISIBLE_ASCII.matcher(r.requestId()).matches())) {
            v.add(new Violation("requestId", "must be 1 to " + REQUEST_ID_MAX + " visible ASCII characters"));
        }
        return v;
    }

    private static void checkScene(String scene, List<Violation> v) {
        if (scene == null) {
            v.add(new Violation("scene", "is required"));
        } else if (scene.isEmpty() || scene.length() > SCENE_MAX) {
            v.add(new Violation("scene", "must be 1 to " + SCENE_MAX + " characters (was " + scene.length() + ")"));
        } else if (!SCENE_CHARS.matcher(scene).matches()) {
            v.add(new Violation("scene", "may only contain 0-9 a-z A-Z and !#$&'()*+,/:;=?@-._~ (no %, spaces or other characters)"));
        }
    }

    private static void checkPage(String page, List<Violation> v) {
        if (page == null) {
            return;
        }
        if (page.isEmpty()) {
            v.add(new Violation("page", "must not be empty (leave it out for the home page)"));
        } else if (page.startsWith("/")) {
            v.add(new Violation("page", "must not start with / (e.g. pages/index/index)"));
        } else if (page.length() > PAGE_MAX) {
            v.add(new Violation("page", "must be at most " + PAGE_MAX + " characters (was " + page.length() + ")"));
        } else if (page.contains("?")) {
            v.add(new Violation("page", "must not carry a query string; pass parameters in scene"));
        } else if (!VISIBLE_ASCII.matcher(page).matches()) {
            v.add(new Violation("page", "must be a path of visible ASCII characters without spaces"));
        }
    }
}
