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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
 * A stand-in for api.weixin.qq.com on a real HTTP port: the two token endpoints and getUnlimited,
 * with WeChat's validation, error codes and quirks (errors as HTTP 200 JSON, PNGs labelled
 * image/jpeg), plus what tests need: latency, queued faults and call counters.
 *
 * <p>Admin endpoints for use from a shell: {@code GET /__sim/stats}, {@code POST /__sim/revoke},
 * {@code POST /__sim/fault?target=code|token&errcode=N} (or {@code &http=503}, {@code &stallMs=N}).
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
            Map.entry(47001, "data format error"),
            Map.entry(85096, "not allow include scancode_time field"));

    private final String appId;
    private final String appSecret;
    private final Set<String> publishedPages;
    private final SimulatorClock clock = new SimulatorClock();
    private final SimulatedTokens tokens;
    private final CodeRenderer renderer = new CodeRenderer();
    private final ObjectMapper mapper = new ObjectMapper();
    private final ConcurrentLinkedQueue<Fault> tokenFaults = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Fault> codeFaults = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);
    private final AtomicInteger stableTokenCalls = new AtomicInteger();
    private final AtomicInteger classicTokenCalls = new AtomicInteger();
    private final AtomicInteger codeCalls = new AtomicInteger();
    private final AtomicInteger quotaRefusals = new AtomicInteger();
    private final AtomicLong firstCodeCall = new AtomicLong();
    private final AtomicLong lastCodeCall = new AtomicLong();
    private final java.util.ArrayDeque<Long> admittedCalls = new java.util.ArrayDeque<>();
    private volatile int quotaLimit;
    private volatile Duration quotaWindow = Duration.ofMinutes(1);
    private volatile Chaos chaos;
    private java.util.Random chaosRandom;
    private int quotaBurstLeft;
    private HttpServer server;
    private ExecutorService executor;

    public WechatSimulator(String appId, String appSecret, Set<String> publishedPages, Duration tokenLifetime) {
        this.appId = appId;
        this.appSecret = appSecret;
        this.publishedPages = Set.copyOf(publishedPages);
        this.tokens = new SimulatedTokens(clock, tokenLifetime);
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
        server.createContext("/wxa/getwxacodeunlimit", ex -> handle(ex, this::getUnlimited));
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

    public int tokenCalls() {
        return stableTokenCalls.get() + classicTokenCalls.get();
    }

    public int stableTokenCalls() {
        return stableTokenCalls.get();
    }

    public int classicTokenCalls() {
        return classicTokenCalls.get();
    }

    public int codeCalls() {
        return codeCalls.get();
    }

    public void failNextCodeCalls(Fault... faults) {
        codeFaults.addAll(java.util.List.of(faults));
    }

    public void failNextTokenCalls(Fault... faults) {
        tokenFaults.addAll(java.util.List.of(faults));
    }

    /**
     * WeChat's 5000/min: at most {@code limit} admitted getUnlimited calls in any sliding
     * {@code window}, 45009 beyond. Tests scale the window down; 0 turns it off.
     */
    public void enforceQuota(int limit, Duration window) {
        synchronized (admittedCalls) {
            admittedCalls.clear();
            quotaLimit = limit;
            quotaWindow = window;
        }
    }

    /** Time between the first and the last getUnlimited call since the last reset. */
    public Duration codeCallSpan() {
        return Duration.ofNanos(lastCodeCall.get() - firstCodeCall.get());
    }

    /** Calls answered 45009 by the quota (not by injected faults). */
    public int quotaRefusals() {
        return quotaRefusals.get();
    }

    /** Random faults on getUnlimited from now on; null stops them. */
    public synchronized void chaos(Chaos chaos) {
        this.chaos = chaos;
        this.chaosRandom = chaos == null ? null : new java.util.Random(chaos.seed());
        this.quotaBurstLeft = 0;
    }

    public void revokeTokens() {
        tokens.revokeAll();
    }

    public Set<String> issuedTokens() {
        return tokens.issued();
    }

    public SimulatorClock clock() {
        return clock;
    }

    public void latency(Duration perCall) {
        latency.set(perCall);
    }

    /** Counters to zero, faults and latency cleared; tokens stay as they are. */
    public void reset() {
        stableTokenCalls.set(0);
        classicTokenCalls.set(0);
        codeCalls.set(0);
        tokenFaults.clear();
        codeFaults.clear();
        latency.set(Duration.ZERO);
        quotaRefusals.set(0);
        firstCodeCall.set(0);
        lastCodeCall.set(0);
        enforceQuota(0, Duration.ofMinutes(1));
        chaos(null);
    }

    // ---- the endpoints ---------------------------------------------------------------------------

    /** What a handler answers: JSON, an image, or a bare HTTP status. */
    private record Answer(int status, String contentType, byte[] body) {
    }

    @FunctionalInterface
    private interface Handler {
        Answer handle(HttpExchange exchange, byte[] body) throws IOException;
    }

    private void handle(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            sleep(latency.get());
            Answer answer = handler.handle(exchange, body);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
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
        Answer fault = applyFault(tokenFaults.poll());
        if (fault != null) {
            return fault;
        }
        Map<String, String> query = query(exchange.getRequestURI());
        Answer refused = checkCredentials(query.get("grant_type"), query.get("appid"), query.get("secret"));
        if (refused != null) {
            return refused;
        }
        return tokenAnswer(tokens.classic());
    }

    private Answer stableToken(HttpExchange exchange, byte[] body) {
        stableTokenCalls.incrementAndGet();
        if (!"POST".equals(exchange.getRequestMethod())) {
            return error(43002);
        }
        Answer fault = applyFault(tokenFaults.poll());
        if (fault != null) {
            return fault;
        }
        JsonNode json = readJson(body);
        if (json == null || !json.isObject()) {
            return error(47001);
        }
        Answer refused = checkCredentials(json.path("grant_type").asText(null), json.path("appid").asText(null),
                json.path("secret").asText(null));
        if (refused != null) {
            return refused;
        }
        return tokenAnswer(tokens.stable(json.path("force_refresh").asBoolean(false)));
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
        if (!appid.equals(appId)) {
            return error(40013);
        }
        if (!secret.equals(appSecret)) {
            return error(40125);
        }
        return null;
    }

    private Answer tokenAnswer(SimulatedTokens.Issued issued) {
        return json(Map.of("access_token", issued.token(), "expires_in", issued.expiresIn()));
    }

    private Answer getUnlimited(HttpExchange exchange, byte[] body) {
        long now = System.nanoTime();
        if (codeCalls.getAndIncrement() == 0) {
            firstCodeCall.set(now);
        }
        lastCodeCall.accumulateAndGet(now, Math::max);
        if (!"POST".equals(exchange.getRequestMethod())) {
            return error(43002);
        }
        Fault queued = codeFaults.poll();
        Answer fault = applyFault(queued != null ? queued : drawChaos());
        if (fault != null) {
            return fault;
        }
        if (!admitUnderQuota()) {
            quotaRefusals.incrementAndGet();
            return error(45009);
        }
        String token = query(exchange.getRequestURI()).get("access_token");
        if (token == null || token.isEmpty()) {
            return error(41001);
        }
        switch (tokens.check(token)) {
            case INVALID:
                return error(40001);
            case EXPIRED:
                return error(42001);
            default:
                break;
        }
        JsonNode r = readJson(body);
        if (r == null || !r.isObject()) {
            return error(47001);
        }
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
        // WeChat clamps the width rather than refusing it
        int width = Math.max(280, Math.min(1280, r.path("width").asInt(430)));
        JsonNode color = r.path("line_color");
        int rgb = (color.path("r").asInt(0) & 0xFF) << 16 | (color.path("g").asInt(0) & 0xFF) << 8 | (color.path("b").asInt(0) & 0xFF);
        byte[] image = renderer.render(new CodeContent(page, scene), width, r.path("auto_color").asBoolean(false), rgb,
                r.path("is_hyaline").asBoolean(false));
        // as observed: image/jpeg even for the PNG of is_hyaline
        return new Answer(200, "image/jpeg", image);
    }

    private Answer admin(HttpExchange exchange, byte[] body) {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> q = query(exchange.getRequestURI());
        switch (path) {
            case "/__sim/stats":
                return json(Map.of("tokenCalls", tokenCalls(), "stableTokenCalls", stableTokenCalls(),
                        "classicTokenCalls", classicTokenCalls(), "codeCalls", codeCalls()));
            case "/__sim/revoke":
                revokeTokens();
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

    private boolean admitUnderQuota() {
        if (quotaLimit <= 0) {
            return true;
        }
        long now = System.nanoTime();
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
            return Fault.errcode(45009);
        }
        double draw = chaosRandom.nextDouble();
        double edge = chaos.busy();
        if (draw < edge) {
            return Fault.errcode(-1);
        }
        if (draw < (edge += chaos.http5xx())) {
            return Fault.http(chaosRandom.nextBoolean() ? 502 : 503);
        }
        if (draw < (edge += chaos.stall())) {
            return Fault.stall(chaos.stallFor());
        }
        if (draw < (edge += chaos.revoke())) {
            tokens.revokeAll();
            return null;
        }
        if (draw < edge + chaos.quotaBurst()) {
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
