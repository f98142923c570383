package dev.wxacode.core;

import java.util.Arrays;
import java.util.Optional;

/**
 * The three kinds of mini program code WeChat makes (shared/wechat-api.md, sections 1 and 2),
 * as a request's {@code type} names them.
 */
public enum CodeKind {
    /** getUnlimited: scene + page, no cap on the number of codes. */
    UNLIMITED("unlimited", "/wxa/getwxacodeunlimit", "getwxacodeunlimit", "getUnlimited", 0),
    /** getwxacode: a path with its query; counts toward the app's lifetime cap. */
    LIMITED("limited", "/wxa/getwxacode", "getwxacode", "getwxacode", 1024),
    /** createwxaqrcode: the classic square QR code; counts toward the same cap. */
    QRCODE("qrcode", "/cgi-bin/wxaapp/createwxaqrcode", "createwxaqrcode", "createwxaqrcode", 128);

    /** WeChat's cap on the codes of the two limited kinds together, per app and for its whole life. */
    public static final int LIFETIME_CAP = 100_000;

    private final String wireName;
    private final String apiPath;
    private final String apiName;
    private final String what;
    private final int pathMax;

    /** @param title the name WeChat's documentation gives the call, for messages */
    CodeKind(String wireName, String apiPath, String apiName, String title, int pathMax) {
        this.wireName = wireName;
        this.apiPath = apiPath;
        this.apiName = apiName;
        this.what = "WeChat " + title;
        this.pathMax = pathMax;
    }

    public static Optional<CodeKind> named(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    /** As requests and replies spell it. */
    public String wireName() {
        return wireName;
    }

    /** Where the code is asked for, below wechat.base-url. */
    public String apiPath() {
        return apiPath;
    }

    /** The API's name in metrics and messages. */
    public String apiName() {
        return apiName;
    }

    /** The longest {@code path} WeChat takes; 0 for the kind that has none. */
    public int pathMax() {
        return pathMax;
    }

    /** How messages name the call: "WeChat getUnlimited". */
    public String what() {
        return what;
    }

    /** Limited kinds carry a path (with its query) instead of scene and page, and count toward the cap. */
    public boolean isLimited() {
        return this != UNLIMITED;
    }
}
