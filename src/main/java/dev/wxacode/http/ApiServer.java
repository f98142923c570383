package dev.wxacode.http;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API port: Camel's platform-http server, built for clients that are not trusted. Camel's own
 * server reads every body up to its size limit before any handler of ours runs, and leaves Vert.x's
 * server options at their defaults (no read deadline, no connection limit, bare 413/431 answers).
 * This one keeps its routes and engine (platform-http endpoints attach to it as usual) and puts in
 * front of them: the connection guard, the key check before the body, the body limit while reading,
 * and the service's JSON error shape for everything the web layer answers itself.
 */
public final class ApiServer extends VertxPlatformHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    // 200 too: Vert.x's body handler fails a request whose connection closed mid-body with status 200
    private static final int[] WEB_LAYER_STATUSES = {200, 400, 404, 405, 413, 417, 500};

    private final VertxPlatformHttpServerConfiguration configuration;
    private final EdgeLimits limits;
    private final EdgeAnswers answers;
    private final PublishedContract contract = new PublishedContract();
    private Vertx vertx;
    private boolean ownVertx;
    private Router router;
    private ConnectionGuard guard;
    private HttpServer server;

    public ApiServer(VertxPlatformHttpServerConfiguration configuration, EdgeLimits limits) {
        super(configuration);
        this.configuration = configuration;
        this.limits = limits;
        this.answers = new EdgeAnswers(new ObjectMapper(), limits.maxBodyBytes());
    }

    @Override
    public HttpServer getServer() {
        return server;
    }

    @Override
    public Vertx getVertx() {
        return vertx;
    }

    /** Connections open now on the API port. */
    public int openConnections() {
        return guard == null ? 0 : guard.openConnections();
    }

    @Override
    protected void initializeServer() {
        vertx = lookupVertx();
        ownVertx = vertx == null;
        if (ownVertx) {
            vertx = createVertxInstance();
        }
        HttpGate gate = CamelContextHelper.mandatoryFindSingleByType(getCamelContext(), HttpGate.class);
        guard = new ConnectionGuard(vertx, limits, answers);
        router = Router.router(vertx);
        // in this order, before the routes platform-http adds: deadlines, then the key, then (in each route) the body
        router.route().order(Integer.MIN_VALUE).handler(guard.requestHandler());
        router.route().order(Integer.MIN_VALUE + 1).handler(new EdgeGate(gate, answers, contract));
        for (String path : contract.paths()) {
            router.get(path).order(Integer.MIN_VALUE + 2).handler(contract);
            router.head(path).order(Integer.MIN_VALUE + 2).handler(contract);
        }
        for (int status : WEB_LAYER_STATUSES) {
            router.errorHandler(status, ctx -> webLayerError(ctx, status));
        }
        BodyHandler body = BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes());
        String name = VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getBindPort());
        getCamelContext().getRegistry().bind(name, new VertxPlatformHttpRouter(this, vertx, router, name,
                VertxPlatformHttpRouter.SERVER_TYPE_SERVER) {
            @Override
            public Handler<RoutingContext> bodyHandler() {
                return body;
            }
        });
    }

    @Override
    protected void startServer() throws Exception {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(configuration.getBindHost())
                .setPort(configuration.getBindPort())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxInitialLineLength(limits.maxInitialLineBytes())
                // HTTP/1.1 only: no h2c upgrade, whose streams would bypass the per-connection guard
                .setHttp2ClearTextEnabled(false);
        server = vertx.createHttpServer(options)
                .connectionHandler(guard::accepted)
                .invalidRequestHandler(this::invalidRequest)
                .requestHandler(router);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.info("API server listening on {}:{} (read timeout {} ms, head {} bytes, body {} bytes, {} connections)",
                configuration.getBindHost(), server.actualPort(), limits.readTimeout().toMillis(), limits.maxHeaderBytes(),
                limits.maxBodyBytes(), limits.maxConnections());
    }

    @Override
    protected void stopServer() {
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            if (vertx != null && ownVertx) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("API server did not stop cleanly: {}", e.getClass().getName());
        } finally {
            server = null;
            vertx = null;
        }
    }

    /** A head Vert.x could not parse: answered here, as the router never sees it. */
    private void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        if (cause instanceof TooLongHttpHeaderException) {
            answers.answer(request, 431, "request_header_fields_too_large",
                    "the request's headers are larger than the limit of " + limits.maxHeaderBytes() + " bytes", false);
        } else if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
            answers.answer(request, 414, "uri_too_long",
                    "the request line is longer than the limit of " + limits.maxInitialLineBytes() + " bytes", false);
        } else {
            answers.answer(request, 400, "bad_request", "the HTTP request could not be parsed", false);
        }
    }

    private void webLayerError(RoutingContext ctx, int status) {
        switch (status) {
            case 404 -> answers.answer(ctx.request(), 404, "not_found", "nothing is served at this path; the API is POST /api/wxacode,"
                    + " its contract GET " + PublishedContract.OPENAPI_PATH, false);
            case 405 -> answers.answer(ctx.request(), 405, "method_not_allowed",
                    contract.publishes(ctx.normalizedPath()) ? "this path takes GET only" : "this path takes POST only", false);
            case 413 -> answers.answer(ctx.request(), 413, "payload_too_large",
                    "the body is larger than the limit of " + limits.maxBodyBytes() + " bytes", false);
            case 417 -> answers.answer(ctx.request(), 417, "expectation_failed", "only Expect: 100-continue is supported", false);
            case 400 -> answers.answer(ctx.request(), 400, "bad_request", "the HTTP request could not be read", false);
            default -> serverError(ctx);
        }
    }

    /** A client that went away mid-request is routine, not an error of this service: no ERROR per abort. */
    private void serverError(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof HttpClosedException || ctx.response().closed()) {
            LOG.debug("A client closed its connection before its request was answered");
            ctx.response().close();
            return;
        }
        LOG.warn("HTTP request failed in the web layer: {}", failure == null ? "status 500" : failure.getClass().getName());
        answers.answer(ctx.request(), 500, "internal_error", "internal error; the service log has the details", true);
    }
}
