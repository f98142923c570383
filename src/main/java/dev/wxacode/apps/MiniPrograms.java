package dev.wxacode.apps;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.wxacode.request.WxacodeRequest;

/** The configured mini programs by name; requests were checked against {@link #names()} on the way in. */
public final class MiniPrograms {

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
        byName.values().stream().filter(p -> p.appId().equals(appId)).forEach(p -> p.pacer().slowDown(pause));
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
