package dev.wxacode.observe;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.wxacode.core.CodeKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches WeChat's count of each app's limited codes (the Num-Used header of getwxacode and
 * createwxaqrcode) against the lifetime cap of 100,000. An app that reaches the cap can never make
 * another limited code, so the log warns well before: once the count passes the warning level, and
 * again every further 1 % of the cap, instead of on every request.
 */
public final class LimitedCodeUsage {

    private static final Logger LOG = LoggerFactory.getLogger(LimitedCodeUsage.class);
    private static final int WARN_STEP = CodeKind.LIFETIME_CAP / 100;

    private final int warnAt;
    private final PipelineMetrics metrics;
    /** Per app: the count at which the next warning is due. */
    private final Map<String, Integer> nextWarning = new ConcurrentHashMap<>();

    /** @param warnAt the count from which the log warns (wechat.limited.warn-at) */
    public LimitedCodeUsage(int warnAt, PipelineMetrics metrics) {
        if (warnAt < 1 || warnAt > CodeKind.LIFETIME_CAP) {
            throw new IllegalArgumentException("wechat.limited.warn-at must be 1 to " + CodeKind.LIFETIME_CAP + " (was " + warnAt + ")");
        }
        this.warnAt = warnAt;
        this.metrics = metrics;
    }

    /** The header's value, if WeChat sent one that is a count. */
    public Optional<Integer> parse(String header) {
        try {
            return header == null ? Optional.empty() : Optional.of(Integer.parseInt(header.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public void record(String app, int used) {
        metrics.limitedCodesUsed(app, used);
        Integer due = nextWarning.computeIfAbsent(app, a -> warnAt);
        // replace(due -> next) succeeds for one of several requests crossing the level together
        if (used >= due && nextWarning.replace(app, due, nextStep(used))) {
            LOG.warn("App {} has used {} of WeChat's {} limited codes (getwxacode and createwxaqrcode together, for the app's "
                    + "whole life); at the cap WeChat refuses both with 45029: move callers to type unlimited", app, used,
                    CodeKind.LIFETIME_CAP);
        }
    }

    /** WeChat answered 45029. */
    public void capReached(String app) {
        metrics.limitedCodesUsed(app, CodeKind.LIFETIME_CAP);
        LOG.error("App {} has used all of WeChat's {} limited codes: every limited and qrcode request for it is refused (45029)",
                app, CodeKind.LIFETIME_CAP);
    }

    private static int nextStep(int used) {
        return (used / WARN_STEP + 1) * WARN_STEP;
    }
}
