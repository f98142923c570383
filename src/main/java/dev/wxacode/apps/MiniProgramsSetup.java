package dev.wxacode.apps;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.core.Settings;
import dev.wxacode.quota.QuotaShare;
import dev.wxacode.store.ObjectKeys;
import dev.wxacode.token.AccessTokenCache;
import dev.wxacode.token.AppSettings;
import dev.wxacode.token.TokenRequestHeaders;
import dev.wxacode.token.TokenSource;
import dev.wxacode.token.TokenSourceWrapper;
import dev.wxacode.token.TokenSources;

/**
 * The apps named in wechat.apps, each with its own token cache, quota pacer and object keys. The
 * default app reads wechat.app.id/secret, any other wechat.app.NAME.id/secret (see AppSettings).
 */
public final class MiniProgramsSetup {

    private MiniProgramsSetup() {
    }

    /**
     * @param headers  put on every token request (the trace context)
     * @param share    this instance's part of each app's quota, the same for every app
     * @param wrapper  around each app's token source: metrics and tracing
     */
    public static MiniPrograms fromSettings(Settings settings, ObjectMapper mapper, TokenRequestHeaders headers, QuotaShare share,
                                            TokenSourceWrapper wrapper) {
        AppSettings apps = AppSettings.of(settings.context().getPropertiesComponent()::resolveProperty, settings.text("wechat.apps-file"));
        List<String> names = AppSettings.names(settings.text("wechat.apps"));
        TokenSources sources = new TokenSources(mapper, settings.text("wechat.base-url"), settings.text("wechat.token.endpoint"),
                settings.text("wechat.token.service.url"), settings.text("wechat.token.service.api-key"),
                settings.millis("wechat.connect-timeout-ms"), settings.millis("wechat.response-timeout-ms"), headers, names);
        List<MiniProgram> programs = new ArrayList<>();
        for (String app : names) {
            String appId = apps.value(app, "id");
            TokenSource source = wrapper.wrap(app, sources.forApp(app, appId, () -> apps.value(app, "secret")), sources.name());
            AccessTokenCache tokens = new AccessTokenCache(source, Clock.systemUTC(), settings.seconds("wechat.token.refresh-margin-seconds"),
                    settings.seconds("wechat.token.configuration-error-hold-seconds"));
            // a call waits for a share no longer than the group takes to notice a dead member
            CallPacer pacer = new CallPacer(settings.number("wechat.pace.calls-per-minute"), share,
                    settings.millis("wechat.pace.coordination.session-timeout-ms"));
            programs.add(new MiniProgram(app, appId, tokens, pacer, ObjectKeys.forApp(app, appId, settings.text("s3.key-prefix"))));
        }
        return new MiniPrograms(programs);
    }
}
