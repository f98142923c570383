package dev.wxacode.apps;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.wxacode.request.WxacodeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The configured mini programs by name; requests were checked against {@link #names()} on the way in. */
public final class MiniPrograms {

    private static final Logger LOG = LoggerFactory.getLogger(MiniPrograms.class);

    private final Map<String, MiniProgram> byName = new LinkedHashMap<>();

    public MiniPrograms(List<MiniProgram> programs) {
        programs.forEach(p -> byName.put(p.name(), p));
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Collection<MiniProgram> all() {
        return byName.values();
    }

    /** Another instance of the deployment met WeChat's 45009 for this app id: its calls wait here too. */
    public void quotaExceededElsewhere(String appId, Duration pause) {
        for (MiniProgram program : byName.values()) {
            if (program.appId().equals(appId)) {
                program.pacer().slowDown(pause);
                LOG.info("WeChat answered 45009 (quota) to another instance for app {}: its calls wait {} ms", program.name(), pause.toMillis());
            }
        }
    }

    public MiniProgram of(WxacodeRequest request) {
        MiniProgram program = byName.get(request.effectiveApp());
        if (program == null) {
            // the request reader refuses unknown apps, so this is a bug, not a caller's mistake
            throw new IllegalStateException("no app named " + request.effectiveApp());
        }
        return program;
    }
}
