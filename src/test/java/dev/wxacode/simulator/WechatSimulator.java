package dev.wxacode.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for api.weixin.qq.com on a real HTTP port: the two token endpoints and the three code
 * kinds (getUnlimited, getwxacode, createwxaqrcode), with WeChat's validation, error codes and
 * quirks (errors as HTTP 200 JSON, PNGs labelled image/jpeg), plus what tests need: latency, queued
 * faults and call counters.
 *
 * <p>It knows one or more mini programs ({@link #addApp}); each has its own secret, tokens, counters
 * and lifetime count of limited codes. A code call names no app: its token says which app it is.
 *
 * <p>Admin endpoints for use from a shell: {@code GET /__sim/stats}, {@code POST /__sim/revoke}
 * (optionally {@code ?appid=A}), {@code POST /__sim/fault?target=code|token&errcode=N} (or
 * {@code &http=503}, {@code &stallMs=N}).
 */
public final class WechatSimulator implements AutoCloseable {

    static {
        // WeChat's front ends answer at once, as servers with TCP_NODELAY do. The JDK server does
        // not by default: its body waits for the ACK of its headers, which a client may delay by
        // 40 ms, so every call looked 40 ms slower than WeChat's latency (read before the server class loads).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Pattern SCENE_CHARS = Pattern.compile("[0-9A-Za-z!#$&'()*+,/:;=?@\\-._~]*");
    private static final Set<String> ENV_VERSIONS = Set.of("release", "trial", "develop");
    private static final Map<Integer, String> ERRMSG = Map.ofEntries(
            Map.entry(-1, "system error"),
            Map.entry(40001, "invalid credential, access_token is invalid or not latest"),
            Map.entry(40002, "invalid grant_type"),
            Map.entry(40013, "invalid appid"),
            Map.entry(40014, "invalid access_token"),
            Map.entry(40097, "invalid args"),
            Map.entry(40125, "invalid appsecret"),
            Map.entry(40129, "invalid scene"),
            Map.entry(40164, "invalid ip, not in whitelist"),
            Map.entry(40169, "invalid length for scene, or the data is not json string"),
            Map.entry(40243, "AppSecret已被冻结，请登录小程序平台解冻后再次调用"),
            Map.entry(41001, "access_token missing"),
            Map.entry(41002, "appid missing"),
            Map.entry(41004, "appsecret missing"),
            Map.entry(41030, "invalid page"),
            Map.entry(42001, "access_token expired"),
            Map.entry(43002, "require POST method"),
            Map.entry(45009, "reach max api daily quota limit"),
            Map.entry(45029, "reach max api total limit"),
            Map.entry(40159, "invalid length for path, or the data is not json string"),
            Map.entry(47001, "data format error"),
            Map.entry(85096, "not allow include scancode_time field"));

    /** WeChat's lifetime allowance of getwxacode plus createwxaqrcode codes, per app. */
    public static final int DEFAULT_LIMITED_CAP = 100_000;

    private final Set<String> publishedPages;
    private final Duration tokenLifetime;
    private final SimulatorClock clock = new SimulatorClock();
    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private final CodeRenderer renderer = new CodeRenderer();
    private final ObjectMapper mapper = new ObjectMapper();
    private final ConcurrentLinkedQueue<Fault> tokenFaults = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Fault> codeFaults = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);
    private final AtomicInteger stableTokenCalls = new AtomicInteger();
    private final AtomicInteger classicTokenCalls = new AtomicInteger();
    private final AtomicInteger codeCalls = new AtomicInteger();
    private final AtomicInteger limitedCodeCalls = new AtomicInteger();
    private final AtomicInteger qrcodeCalls = new AtomicInteger();
    private final AtomicInteger quotaRefusals = new AtomicInteger();
    private final AtomicLong firstCodeCall = new AtomicLong();
    private final AtomicLong lastCodeCall = new AtomicLong();
    private final ConcurrentLinkedQueue<String> traceparents = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> codeCallTimes = new ConcurrentLinkedQueue<>();
    private volatile int limitedCap = DEFAULT_LIMITED_CAP;
    private volatile int quotaLimit;
    private volatile Duration quotaWindow = Duration.ofMinutes(1);
    private volatile Chaos chaos;
    private java.util.Random chaosRandom;
    private int quotaBurstLeft;
    private int chaosBusy;
    private int chaosHttp5xx;
    private int chaosStalls;
    private int chaosRevocations;
    private int chaosQuotaBursts;
    private int chaosQuotaRefusals;
    private final AtomicInteger tokenRefusals = new AtomicInteger();
    private final AtomicInteger imageAnswers = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> calledScenes = new ConcurrentLinkedQueue<>();
    private final Object gateLock = new Object();
    private int gatePasses = -1;
    private java.util.concurrent.CountDownLatch gate;
    private final AtomicInteger heldCalls = new AtomicInteger();
    private final Set<String> heldScenes = ConcurrentHashMap.newKeySet();
    private HttpServer server;
    private ExecutorService executor;

    /** One mini program and what WeChat keeps for it. */
    private static final class App {
        volatile String secret;
        final SimulatedTokens tokens;
        final AtomicInteger tokenCalls = new AtomicInteger();
        final AtomicInteger codeCalls = new AtomicInteger();
        final AtomicInteger numUsed = new AtomicInteger();
        final java.util.ArrayDeque<Long> admittedCalls = new java.util.ArrayDeque<>();
        /** System.nanoTime() at the arrival of each code call that came with a valid token of this app. */
        final ConcurrentLinkedQueue<Long> codeCallTimes = new ConcurrentLinkedQueue<>();

        App(String secret, SimulatedTokens tokens) {
            this.secret = secret;
            this.tokens = tokens;
        }

        /** The count after this code, or -1 when the cap is reached; never passes the cap under races. */
        int takeLimitedCode(int cap) {
            int before = numUsed.getAndUpdate(used -> used < cap ? used + 1 : used);
            return before < cap ? before + 1 : -1;
        }
    }

    public WechatSimulator(String appId, String appSecret, Set<String> publishedPages, Duration tokenLifetime) {
        this.publishedPages = Set.copyOf(publishedPages);
        this.tokenLifetime = tokenLifetime;
        addApp(appId, appSecret);
    }

    /** The defaults local mode and most tests use. */
    public static WechatSimulator withDefaults(String appId, String appSecret) {
        return new WechatSimulator(appId, appSecret, Set.of("pages/index/index", "pages/shop/detail", "pages/order/detail"),
                Duration.ofSeconds(7200));
    }

    public WechatSimulator start(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 200);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "wechat-simulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/cgi-bin/token", ex -> handle(ex, this::classicToken));
        server.createContext("/cgi-bin/stable_token", ex -> handle(ex, this::stableToken));
        server.createContext("/wxa/getwxacodeunlimit", ex -> handle(ex, (e, b) -> codeCall(e, b, null, this::getUnlimited)));
        server.createContext("/wxa/getwxacode", ex -> handle(ex, (e, b) -> codeCall(e, b, limitedCodeCalls, this::getLimited)));
        server.createContext("/cgi-bin/wxaapp/createwxaqrcode",
                ex -> handle(ex, (e, b) -> codeCall(e, b, qrcodeCalls, this::createQrCode)));
        server.createContext("/__sim/", ex -> handle(ex, this::admin));
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    // ---- what tests use --------------------------------------------------------------------------

    /**
     * Another mini program, before or after {@link #start}: its own secret, tokens (with the
     * constructor's lifetime), counters and lifetime count of limited codes.
     */
    public WechatSimulator addApp(String appId, String appSecret) {
        if (apps.putIfAbsent(appId, new App(appSecret, new SimulatedTokens(clock, tokenLifetime))) != null) {
            throw new IllegalArgumentException("app already known: " + appId);
        }
        return this;
    }

    /** Calls to both token endpoints, every app, also those naming an unknown app or refused. */
    public int tokenCalls() {
        return stableTokenCalls.get() + classicTokenCalls.get();
    }

    /** Calls to both token endpoints naming this app id, whatever their answer. */
    public int tokenCalls(String appId) {
        return app(appId).tokenCalls.get();
    }

    public int stableTokenCalls() {
        return stableTokenCalls.get();
    }

    public int classicTokenCalls() {
        return classicTokenCalls.get();
    }

    /** Calls to all three code endpoints, whatever their token or answer. */
    public int codeCalls() {
        return codeCalls.get();
    }

    /** Calls to all three code endpoints that came with a valid token of this app. */
    public int codeCalls(String appId) {
        return app(appId).codeCalls.get();
    }

    /**
     * System.nanoTime() at the arrival of every code call since the last reset, in arrival order,
     * whatever its token or answer (a queued fault is answered before the token names the app).
     */
    public java.util.List<Long> codeCallTimes() {
        return java.util.List.copyOf(codeCallTimes);
    }

    /** As {@link #codeCallTimes()}, for the calls that came with a valid token of this app. */
    public java.util.List<Long> codeCallTimes(String appId) {
        return java.util.List.copyOf(app(appId).codeCallTimes);
    }

    /** Calls to /wxa/getwxacode, whatever their answer. */
    public int limitedCodeCalls() {
        return limitedCodeCalls.get();
    }

    /** Calls to /cgi-bin/wxaapp/createwxaqrcode, whatever their answer. */
    public int qrcodeCalls() {
        return qrcodeCalls.get();
    }

    /** The lifetime allowance of limited codes for every app (WeChat's is 100,000); 45029 beyond. */
    public void limitedCap(int cap) {
        limitedCap = cap;
    }

    /** Sets an app's count of limited codes, so a test can stand near the cap without making them. */
    public void numUsed(String appId, int used) {
        app(appId).numUsed.set(used);
    }

    /** An app's count of limited codes so far, as the last Num-Used header said. */
    public int numUsed(String appId) {
        return app(appId).numUsed.get();
    }

    /** Faults for the next calls to any of the three code endpoints, in call order. */
    public void failNextCodeCalls(Fault... faults) {
        codeFaults.addAll(java.util.List.of(faults));
    }

    public void failNextTokenCalls(Fault... faults) {
        tokenFaults.addAll(java.util.List.of(faults));
    }

    /**
     * WeChat's 5000/min: at most {@code limit} admitted getUnlimited calls in any sliding
     * {@code window}, 45009 beyond. Counted per app, as WeChat does (the token tells the app, so
     * calls with a bad token are refused for that, not counted). Tests scale the window down; 0
     * turns it off. The limited kinds have no minute quota here: their cap is the lifetime count.
     */
    public synchronized void enforceQuota(int limit, Duration window) {
        quotaLimit = limit;
        quotaWindow = window;
        for (App app : apps.values()) {
            synchronized (app.admittedCalls) {
                app.admittedCalls.clear();
            }
        }
    }

    /** Time between the first and the last code call (any kind) since the last reset. */
    public Duration codeCallSpan() {
        return Duration.ofNanos(lastCodeCall.get() - firstCodeCall.get());
    }

    /** Calls answered 45009 by the quota (not by injected faults). */
    public int quotaRefusals() {
        return quotaRefusals.get();
    }

    /**
     * Random faults on all three code endpoints from now on, drawn in call order; null stops them.
     * Its revocations revoke every app's tokens.
     */
    public synchronized void chaos(Chaos chaos) {
        this.chaos = chaos;
        this.chaosRandom = chaos == null ? null : new java.util.Random(chaos.seed());
        this.quotaBurstLeft = 0;
        if (chaos != null) {
            chaosBusy = chaosHttp5xx = chaosStalls = chaosRevocations = chaosQuotaBursts = chaosQuotaRefusals = 0;
        }
    }

    /** What chaos did since it was last set (kept after {@code chaos(null)}, cleared by {@link #reset}). */
    public synchronized ChaosCounts chaosCounts() {
        return new ChaosCounts(chaosBusy, chaosHttp5xx, chaosStalls, chaosRevocations, chaosQuotaBursts, chaosQuotaRefusals);
    }

    /** Code calls answered 40001 or 42001: their token was revoked or expired. */
    public int tokenRefusals() {
        return tokenRefusals.get();
    }

    /** Code calls answered with an image, whether or not the caller was still there to take it. */
    public int imageAnswers() {
        return imageAnswers.get();
    }

    /** The scene (or path) of every code call, in the order the calls came, held ones included. */
    public java.util.List<String> calledScenes() {
        return java.util.List.copyOf(calledScenes);
    }

    /**
     * Lets the next {@code passing} code calls through and holds every later one, unanswered, until
     * {@link #releaseHeldCalls}: a test can stop a fault in while calls are known to be in flight.
     */
    public void holdCodeCallsAfter(int passing) {
        synchronized (gateLock) {
            gatePasses = passing;
            gate = new java.util.concurrent.CountDownLatch(1);
            heldScenes.clear();
        }
    }

    /** Calls held by {@link #holdCodeCallsAfter} right now. */
    public int heldCalls() {
        return heldCalls.get();
    }

    /** The scenes (or paths) of the calls held since {@link #holdCodeCallsAfter}, released or not. */
    public Set<String> heldScenes() {
        return Set.copyOf(heldScenes);
    }

    /** Answers the held calls and holds no more. */
    public void releaseHeldCalls() {
        synchronized (gateLock) {
            gatePasses = -1;
            if (gate != null) {
                gate.countDown();
                gate = null;
            }
        }
    }

    private void passGate(String scene) {
        java.util.concurrent.CountDownLatch wait;
        synchronized (gateLock) {
            if (gate == null || gatePasses > 0) {
                if (gate != null) {
                    gatePasses--;
                }
                return;
            }
            wait = gate;
            heldScenes.add(String.valueOf(scene));
            heldCalls.incrementAndGet();
        }
        try {
            wait.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heldCalls.decrementAndGet();
        }
    }

    /** Every app's tokens stop working at once (40001). */
    public void revokeTokens() {
        apps.values().forEach(app -> app.tokens.revokeAll());
    }

    /** This app's tokens stop working at once (40001), as after a reset of its secret; others keep theirs. */
    public void revokeTokens(String appId) {
        app(appId).tokens.revokeAll();
    }

    /**
     * What a reset of the secret in the admin console does: the old secret is refused (40125) and
     * the app's tokens stop working at once (40001).
     */
    public void resetSecret(String appId, String newSecret) {
        App app = app(appId);
        app.secret = newSecret;
        app.tokens.revokeAll();
    }

    /** Every token ever issued to any app. */
    public Set<String> issuedTokens() {
        Set<String> all = new HashSet<>();
        apps.values().forEach(app -> all.addAll(app.tokens.issued()));
        return Set.copyOf(all);
    }

    /** "path traceparent" of each call that carried a W3C trace context, in the order they came. */
    public List<String> traceparents() {
        return List.copyOf(traceparents);
    }

    public SimulatorClock clock() {
        return clock;
    }

    public void latency(Duration perCall) {
        latency.set(perCall);
    }

    /**
     * Counters to zero (every app's too, and their counts of limited codes, with the cap back to
     * WeChat's), faults, latency, quota and chaos cleared; apps and tokens stay as they are.
     */
    public void reset() {
        stableTokenCalls.set(0);
        classicTokenCalls.set(0);
        codeCalls.set(0);
        limitedCodeCalls.set(0);
        qrcodeCalls.set(0);
        for (App app : apps.values()) {
            app.tokenCalls.set(0);
            app.codeCalls.set(0);
            app.numUsed.set(0);
            app.codeCallTimes.clear();
        }
        codeCallTimes.clear();
        limitedCap = DEFAULT_LIMITED_CAP;
        tokenFaults.clear();
        codeFaults.clear();
        latency.set(Duration.ZERO);
        quotaRefusals.set(0);
        traceparents.clear();
        firstCodeCall.set(0);
        lastCodeCall.set(0);
        enforceQuota(0, Duration.ofMinutes(1));
        chaos(null);
        synchronized (this) {
            chaosBusy = chaosHttp5xx = chaosStalls = chaosRevocations = chaosQuotaBursts = chaosQuotaRefusals = 0;
        }
        tokenRefusals.set(0);
        imageAnswers.set(0);
        calledScenes.clear();
        releaseHeldCalls();
        heldScenes.clear();
    }

    // ---- the endpoints ---------------------------------------------------------------------------

    /** What a handler answers: JSON, an image, or a bare HTTP status, with any extra headers. */
    private record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
        Answer(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of());
        }
    }

    /** One code kind's own checks and image, after the shared ones (method, faults, token, JSON). */
    @FunctionalInterface
    private interface CodeKind {
        Answer handle(App app, JsonNode request);
    }

    @FunctionalInterface
    private interface Handler {
        Answer handle(HttpExchange exchange, byte[] body) throws IOException;
    }

    private void handle(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
            if (traceparent != null) {
                traceparents.add(exchange.getRequestURI().getPath() + " " + traceparent);
            }
            sleep(latency.get());
            Answer answer = handler.handle(exchange, body);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(answer.status(), answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private Answer classicToken(HttpExchange exchange, byte[] body) {
        classicTokenCalls.incrementAndGet();
        Map<String, String> query = query(exchange.getRequestURI());
        countTokenCall(query.get("appid"));
        Answer fault = applyFault(tokenFaults.poll());
        if (fault != null) {
            return fault;
        }
        Answer refused = checkCredentials(query.get("grant_type"), query.get("appid"), query.get("secret"));
        if (refused != null) {
            return refused;
        }
        return tokenAnswer(apps.get(query.get("appid")).tokens.classic());
    }

    private Answer stableToken(HttpExchange exchange, byte[] body) {
        stableTokenCalls.incrementAndGet();
        JsonNode json = readJson(body);
        if (json != null) {
            countTokenCall(json.path("appid").asText(null));
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            return error(43002);
        }
        Answer fault = applyFault(tokenFaults.poll());
        if (fault != null) {
            return fault;
        }
        if (json == null || !json.isObject()) {
            return error(47001);
        }
        String appid = json.path("appid").asText(null);
        Answer refused = checkCredentials(json.path("grant_type").asText(null), appid, json.path("secret").asText(null));
        if (refused != null) {
            return refused;
        }
        return tokenAnswer(apps.get(appid).tokens.stable(json.path("force_refresh").asBoolean(false)));
    }

    private void countTokenCall(String appid) {
        App app = appid == null ? null : apps.get(appid);
        if (app != null) {
            app.tokenCalls.incrementAndGet();
        }
    }

    private Answer checkCredentials(String grantType, String appid, String secret) {
        if (!"client_credential".equals(grantType)) {
            return error(40002);
        }
        if (appid == null || appid.isEmpty()) {
            return error(41002);
        }
        if (secret == null || secret.isEmpty()) {
            return error(41004);
        }
        App app = apps.get(appid);
        if (app == null) {
            return error(40013);
        }
        if (!secret.equals(app.secret)) {
            return error(40125);
        }
        return null;
    }

    private Answer tokenAnswer(SimulatedTokens.Issued issued) {
        return json(Map.of("access_token", issued.token(), "expires_in", issued.expiresIn()));
    }

    /**
     * What the three code endpoints share, in this order: POST only, any queued fault or chaos, the
     * token (which names the app), the minute quota (getUnlimited only), a JSON object body.
     * {@code kindCalls} is the kind's own counter, null for getUnlimited.
     */
    private Answer codeCall(HttpExchange exchange, byte[] body, AtomicInteger kindCalls, CodeKind kind) {
        long now = System.nanoTime();
        codeCallTimes.add(now);
        if (codeCalls.getAndIncrement() == 0) {
            firstCodeCall.set(now);
        }
        lastCodeCall.accumulateAndGet(now, Math::max);
        if (kindCalls != null) {
            kindCalls.incrementAndGet();
        }
        JsonNode called = readJson(body);
        String scene = called == null ? null : called.path(kindCalls == null ? "scene" : "path").asText(null);
        calledScenes.add(String.valueOf(scene));
        passGate(scene);
        if (!"POST".equals(exchange.getRequestMethod())) {
            return error(43002);
        }
        Fault queued = codeFaults.poll();
        Answer fault = applyFault(queued != null ? queued : drawChaos());
        if (fault != null) {
            return fault;
        }
        String token = query(exchange.getRequestURI()).get("access_token");
        if (token == null || token.isEmpty()) {
            return error(41001);
        }
        App app = null;
        SimulatedTokens.State state = SimulatedTokens.State.INVALID;
        for (App candidate : apps.values()) {
            state = candidate.tokens.check(token);
            if (state != SimulatedTokens.State.INVALID) {
                app = candidate;
                break;
            }
        }
        switch (state) {
            case INVALID:
                tokenRefusals.incrementAndGet();
                return error(40001);
            case EXPIRED:
                tokenRefusals.incrementAndGet();
                return error(42001);
            default:
                break;
        }
        app.codeCallTimes.add(now);
        app.codeCalls.incrementAndGet();
        // the 5000/min is getUnlimited's; the limited kinds are held by their lifetime count instead
        if (kindCalls == null && !admitUnderQuota(app)) {
            quotaRefusals.incrementAndGet();
            return error(45009);
        }
        JsonNode r = readJson(body);
        if (r == null || !r.isObject()) {
            return error(47001);
        }
        Answer answer = kind.handle(app, r);
        if (answer.contentType().startsWith("image/")) {
            imageAnswers.incrementAndGet();
        }
        return answer;
    }

    private Answer getUnlimited(App app, JsonNode r) {
        if (r.has("scancode_time")) {
            return error(85096);
        }
        String scene = r.path("scene").isTextual() ? r.get("scene").asText() : null;
        if (scene == null || scene.isEmpty() || scene.length() > 32) {
            return error(40169);
        }
        if (!SCENE_CHARS.matcher(scene).matches()) {
            return error(40129);
        }
        String page = r.path("page").asText("");
        boolean checkPath = r.path("check_path").asBoolean(true);
        if (page.startsWith("/") || page.contains("?") || (checkPath && !page.isEmpty() && !publishedPages.contains(page))) {
            return error(41030);
        }
        if (r.has("env_version") && !ENV_VERSIONS.contains(r.get("env_version").asText())) {
            return error(40097);
        }
        byte[] image = renderer.render(new CodeContent(page, scene), width(r), r.path("auto_color").asBoolean(false),
                lineRgb(r), r.path("is_hyaline").asBoolean(false));
        // as observed: image/jpeg even for the PNG of is_hyaline
        return new Answer(200, "image/jpeg", image);
    }

    /** /wxa/getwxacode: a path (query string allowed) instead of page and scene; counts toward the cap. */
    private Answer getLimited(App app, JsonNode r) {
        String path = path(r, 1024);
        if (path == null) {
            return error(40159);
        }
        if (r.has("env_version") && !ENV_VERSIONS.contains(r.get("env_version").asText())) {
            return error(40097);
        }
        int width = width(r);
        boolean autoColor = r.path("auto_color").asBoolean(false);
        int rgb = lineRgb(r);
        boolean hyaline = r.path("is_hyaline").asBoolean(false);
        return limitedCode(app, () -> renderer.renderScannable(new CodeContent(path, null), width, autoColor, rgb, hyaline));
    }

    /** /cgi-bin/wxaapp/createwxaqrcode: the classic square QR code, path and width only, always JPEG. */
    private Answer createQrCode(App app, JsonNode r) {
        String path = path(r, 128);
        if (path == null) {
            return error(40159);
        }
        int width = width(r);
        return limitedCode(app, () -> renderer.renderScannable(new CodeContent(path, null), width, false, 0x000000, false));
    }

    /** Takes one of the app's lifetime codes (45029 when none are left), then draws the image. */
    private Answer limitedCode(App app, java.util.function.Supplier<byte[]> image) {
        int used = app.takeLimitedCode(limitedCap);
        if (used < 0) {
            return error(45029);
        }
        return new Answer(200, "image/jpeg", image.get(), Map.of("Num-Used", Integer.toString(used)));
    }

    /** The path of a limited kind, or null when WeChat answers 40159: missing, not a string, empty, too long. */
    private static String path(JsonNode r, int maxLength) {
        JsonNode path = r.path("path");
        if (!path.isTextual() || path.asText().isEmpty() || path.asText().length() > maxLength) {
            return null;
        }
        return path.asText();
    }

    private static int width(JsonNode r) {
        // WeChat clamps the width rather than refusing it
        return Math.max(280, Math.min(1280, r.path("width").asInt(430)));
    }

    private static int lineRgb(JsonNode r) {
        JsonNode color = r.path("line_color");
        return (color.path("r").asInt(0) & 0xFF) << 16 | (color.path("g").asInt(0) & 0xFF) << 8 | (color.path("b").asInt(0) & 0xFF);
    }

    private Answer admin(HttpExchange exchange, byte[] body) {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> q = query(exchange.getRequestURI());
        switch (path) {
            case "/__sim/stats":
                return json(stats());
            case "/__sim/revoke":
                if (q.containsKey("appid")) {
                    if (!apps.containsKey(q.get("appid"))) {
                        return new Answer(404, "text/plain", "unknown app".getBytes(StandardCharsets.UTF_8));
                    }
                    revokeTokens(q.get("appid"));
                } else {
                    revokeTokens();
                }
                return json(Map.of("revoked", true));
            case "/__sim/fault":
                Fault fault = q.containsKey("errcode") ? Fault.errcode(Integer.parseInt(q.get("errcode")))
                        : q.containsKey("http") ? Fault.http(Integer.parseInt(q.get("http")))
                        : Fault.stall(Duration.ofMillis(Long.parseLong(q.getOrDefault("stallMs", "0"))));
                ("token".equals(q.get("target")) ? tokenFaults : codeFaults).add(fault);
                return json(Map.of("queued", fault.toString()));
            default:
                return new Answer(404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
        }
    }

    private Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("tokenCalls", tokenCalls());
        stats.put("stableTokenCalls", stableTokenCalls());
        stats.put("classicTokenCalls", classicTokenCalls());
        stats.put("codeCalls", codeCalls());
        stats.put("limitedCodeCalls", limitedCodeCalls());
        stats.put("qrcodeCalls", qrcodeCalls());
        Map<String, Object> perApp = new TreeMap<>();
        apps.forEach((id, app) -> perApp.put(id, Map.of("tokenCalls", app.tokenCalls.get(),
                "codeCalls", app.codeCalls.get(), "numUsed", app.numUsed.get())));
        stats.put("apps", perApp);
        return stats;
    }

    private boolean admitUnderQuota(App app) {
        if (quotaLimit <= 0) {
            return true;
        }
        long now = System.nanoTime();
        java.util.ArrayDeque<Long> admittedCalls = app.admittedCalls;
        synchronized (admittedCalls) {
            while (!admittedCalls.isEmpty() && now - admittedCalls.peekFirst() >= quotaWindow.toNanos()) {
                admittedCalls.pollFirst();
            }
            if (admittedCalls.size() >= quotaLimit) {
                return false;
            }
            admittedCalls.addLast(now);
            return true;
        }
    }

    private synchronized Fault drawChaos() {
        if (chaos == null) {
            return null;
        }
        if (quotaBurstLeft > 0) {
            quotaBurstLeft--;
            chaosQuotaRefusals++;
            return Fault.errcode(45009);
        }
        double draw = chaosRandom.nextDouble();
        double edge = chaos.busy();
        if (draw < edge) {
            chaosBusy++;
            return Fault.errcode(-1);
        }
        if (draw < (edge += chaos.http5xx())) {
            chaosHttp5xx++;
            return Fault.http(chaosRandom.nextBoolean() ? 502 : 503);
        }
        if (draw < (edge += chaos.stall())) {
            chaosStalls++;
            return Fault.stall(chaos.stallFor());
        }
        if (draw < (edge += chaos.revoke())) {
            chaosRevocations++;
            revokeTokens();
            return null;
        }
        if (draw < edge + chaos.quotaBurst()) {
            chaosQuotaBursts++;
            chaosQuotaRefusals++;
            quotaBurstLeft = chaos.quotaBurstLength() - 1;
            return Fault.errcode(45009);
        }
        return null;
    }

    private Answer applyFault(Fault fault) {
        if (fault instanceof Fault.Errcode e) {
            return error(e.errcode());
        }
        if (fault instanceof Fault.HttpStatus h) {
            return new Answer(h.status(), "text/html", ("<html><body>" + h.status() + "</body></html>").getBytes(StandardCharsets.UTF_8));
        }
        if (fault instanceof Fault.Stall s) {
            sleep(s.duration());
        }
        return null;
    }

    private Answer error(int errcode) {
        String errmsg = ERRMSG.getOrDefault(errcode, "error") + " rid: " + UUID.randomUUID().toString().substring(0, 23);
        Map<String, Object> body = new HashMap<>();
        body.put("errcode", errcode);
        body.put("errmsg", errmsg);
        return json(body);
    }

    private Answer json(Map<String, ?> body) {
        try {
            return new Answer(200, "application/json; encoding=utf-8", mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode readJson(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private App app(String appId) {
        App app = apps.get(appId);
        if (app == null) {
            throw new IllegalArgumentException("unknown app: " + appId);
        }
        return app;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
