package dev.wxacode.http;

import dev.wxacode.core.WxacodeException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every request on the API port, run as soon as its head has arrived and
 * before any body handler: without a valid key the request is answered 401 and its body is never
 * read, so an anonymous client cannot make the service buffer anything but a bounded head. The one
 * exception is a GET (or HEAD) of a published contract document, which is public.
 */
final class EdgeGate implements Handler<RoutingContext> {

    private final HttpGate gate;
    private final EdgeAnswers answers;
    private final PublishedContract contract;

    EdgeGate(HttpGate gate, EdgeAnswers answers, PublishedContract contract) {
        this.gate = gate;
        this.answers = answers;
        this.contract = contract;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (contract.isPublicRead(request.method(), ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        try {
            gate.checkKey(request.headers().get("Authorization"));
            if (carriesBody(request.method())) {
                gate.checkContentType(request.headers().get("Content-Type"));
            }
        } catch (WxacodeException refused) {
            answers.refuse(request, refused);
            return;
        }
        ctx.next();
    }

    /** Other methods go on to the router, which answers 404 or 405 for them. */
    private static boolean carriesBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }
}
