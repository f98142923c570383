package dev.wxacode.request;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.wxacode.core.CodeKind;
import dev.wxacode.text.Untrusted;

/**
 * WeChat's rules for the three code kinds (shared/wechat-api.md), checked before any call so that
 * a request that cannot succeed costs neither a token nor a share of the quota, nor one of the
 * 100,000 limited codes.
 */
public final class RequestRules {

    public static final int SCENE_MAX = 32;
    public static final int WIDTH_MIN = 280;
    public static final int WIDTH_MAX = 1280;
    public static final int REQUEST_ID_MAX = 128;
    /** WeChat states no limit; real page paths are short, and this bounds what is stored as metadata. */
    public static final int PAGE_MAX = 512;
    public static final Set<String> ENV_VERSIONS = Set.of("release", "trial", "develop");

    public static final String REQUEST_ID_RULE = "must be 1 to " + REQUEST_ID_MAX + " visible ASCII characters";
    /** WeChat adds this parameter to the page's query itself, and refuses a code that already has one. */
    static final String RESERVED_PARAMETER = "scancode_time";
    private static final String RESERVED_PARAMETER_RULE = "may not carry " + RESERVED_PARAMETER
            + " as a parameter name%s: WeChat reserves it (errcode 85096)";

    private static final Pattern SCENE_CHARS = Pattern.compile("[0-9A-Za-z!#$&'()*+,/:;=?@\\-._~]+");
    private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7e]+");

    private RequestRules() {
    }

    /**
     * @param apps      the names of the configured mini programs
     * @param kindKnown false when the request named a type that does not exist: then which fields
     *                  it needs is unknown, and only the rules every kind shares are checked
     */
    public static List<Violation> check(WxacodeRequest r, Set<String> apps, boolean kindKnown) {
        List<Violation> v = new ArrayList<>();
        checkApp(r.app(), apps, v);
        CodeKind kind = r.effectiveType();
        if (!kindKnown) {
            // the type's own violation says what to fix first
        } else if (kind == CodeKind.UNLIMITED) {
            checkScene(r.scene(), v);
            checkPage(r.page(), v);
            notUsed(r.path(), "path", "is for type limited or qrcode; an unlimited code takes scene and page", v);
        } else {
            checkPath(r.path(), kind, v);
            String unused = kind == CodeKind.LIMITED
                    ? "is not used by type limited: path carries the page and its query"
                    : "is not used by type qrcode: it takes path and width only";
            notUsed(r.scene(), "scene", unused, v);
            notUsed(r.page(), "page", unused, v);
            notUsed(r.checkPath(), "check_path", unused, v);
            if (kind == CodeKind.QRCODE) {
                notUsed(r.envVersion(), "env_version", unused, v);
                notUsed(r.autoColor(), "auto_color", unused, v);
                notUsed(r.lineColor(), "line_color", unused, v);
                notUsed(r.isHyaline(), "is_hyaline", unused, v);
            }
        }
        if (r.envVersion() != null && !ENV_VERSIONS.contains(r.envVersion())) {
            v.add(new Violation("env_version", "must be one of release, trial, develop (was " + Untrusted.quoted(r.envVersion()) + ")"));
        }
        if (r.width() != null && (r.width() < WIDTH_MIN || r.width() > WIDTH_MAX)) {
            v.add(new Violation("width", "must be between " + WIDTH_MIN + " and " + WIDTH_MAX + " (was " + r.width() + ")"));
        }
        if (r.requestId() != null && !isRequestId(r.requestId())) {
            v.add(new Violation("requestId", REQUEST_ID_RULE));
        }
        return v;
    }

    private static void checkApp(String app, Set<String> apps, List<Violation> v) {
        if (app == null && !apps.contains(WxacodeRequest.DEFAULT_APP)) {
            v.add(new Violation("app", "is required: no app named " + WxacodeRequest.DEFAULT_APP + " is configured (configured: "
                    + sorted(apps) + ")"));
        } else if (app != null && !apps.contains(app)) {
            v.add(new Violation("app", "must be one of the configured apps: " + sorted(apps) + " (was " + Untrusted.quoted(app) + ")"));
        }
    }

    private static String sorted(Set<String> names) {
        return String.join(", ", names.stream().sorted().toList());
    }

    private static void checkPath(String path, CodeKind kind, List<Violation> v) {
        if (path == null) {
            v.add(new Violation("path", "is required for type " + kind.wireName()));
        } else if (path.isEmpty() || path.length() > kind.pathMax()) {
            v.add(new Violation("path", "must be 1 to " + kind.pathMax() + " characters for type " + kind.wireName()
                    + " (was " + path.length() + ")"));
        } else if (!VISIBLE_ASCII.matcher(path).matches()) {
            v.add(new Violation("path", "must be visible ASCII characters without spaces (URL-encode the query's values)"));
        } else if (path.indexOf('?') >= 0 && hasReservedKey(path.substring(path.indexOf('?') + 1), true)) {
            v.add(new Violation("path", RESERVED_PARAMETER_RULE.formatted(" in its query")));
        }
    }

    private static void notUsed(Object value, String field, String rule, List<Violation> v) {
        if (value != null) {
            v.add(new Violation(field, rule));
        }
    }

    private static void checkScene(String scene, List<Violation> v) {
        if (scene == null) {
            v.add(new Violation("scene", "is required"));
        } else if (scene.isEmpty() || scene.length() > SCENE_MAX) {
            v.add(new Violation("scene", "must be 1 to " + SCENE_MAX + " characters (was " + scene.length() + ")"));
        } else if (!SCENE_CHARS.matcher(scene).matches()) {
            v.add(new Violation("scene", "may only contain 0-9 a-z A-Z and !#$&'()*+,/:;=?@-._~ (no %, spaces or other characters)"));
        } else if (hasReservedKey(scene, false)) {
            v.add(new Violation("scene", RESERVED_PARAMETER_RULE.formatted("")));
        }
    }

    /**
     * A request id as the body and a Kafka header may carry it: what goes back in replies, headers
     * and log lines as it is, so it is held to plain visible ASCII and a short length.
     */
    public static boolean isRequestId(String id) {
        return id != null && id.length() <= REQUEST_ID_MAX && VISIBLE_ASCII.matcher(id).matches();
    }

    /**
     * Whether a query-like string, {@code k=v&k2=v2} as WeChat reads scene and a path's query, has
     * the reserved name as a key. A value equal to it is harmless. Query keys may be URL-encoded
     * ({@code scancode%5Ftime}), so they are compared decoded; scene allows no %.
     */
    static boolean hasReservedKey(String query, boolean urlEncoded) {
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (urlEncoded) {
                try {
                    key = URLDecoder.decode(key, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException notEncoded) {
                    // a stray % is not an encoding of the reserved name
                }
            }
            if (key.equals(RESERVED_PARAMETER)) {
                return true;
            }
        }
        return false;
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
