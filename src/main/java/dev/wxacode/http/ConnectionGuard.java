package dev.wxacode.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps slow and idle clients from holding connections: at most {@link EdgeLimits#maxConnections()}
 * are open at once, and each must deliver a request's head within the read timeout of being opened
 * (or of its previous answer), then the body within the read timeout again. A connection that sends
 * nothing, or half a head, is closed; a body that stalls is answered 408. While a whole request is
 * being processed (WeChat and S3 can take longer) no timeout runs.
 */
final class ConnectionGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final Vertx vertx;
    private final EdgeLimits limits;
    private final EdgeAnswers answers;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();

    ConnectionGuard(Vertx vertx, EdgeLimits limits, EdgeAnswers answers) {
        this.vertx = vertx;
        this.limits = limits;
        this.answers = answers;
    }

    /** For the server's connection handler: runs on the connection's event loop as it is accepted. */
    void accepted(HttpConnection connection) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            LOG.debug("Closed a new connection: {} are open (http.max-connections)", limits.maxConnections());
            connection.close();
            return;
        }
        Watch watch = new Watch(connection);
        watches.put(connection, watch);
        connection.closeHandler(closed -> {
            watch.closed();
            watches.remove(connection);
            open.decrementAndGet();
        });
        watch.arm();
    }

    /** For the router: the head of a request has arrived; its body must follow in time. */
    Handler<RoutingContext> requestHandler() {
        return ctx -> {
            Watch watch = watches.get(ctx.request().connection());
            if (watch != null) {
                watch.started(ctx);
                ctx.addEndHandler(answered -> watch.answered());
            }
            ctx.next();
        };
    }

    /** Connections open now, for tests and metrics. */
    int openConnections() {
        return open.get();
    }

    /** One connection's deadline; touched only on its own event loop. */
    private final class Watch {

        private final HttpConnection connection;
        private long timer = -1;
        private RoutingContext current;
        private boolean closed;

        Watch(HttpConnection connection) {
            this.connection = connection;
        }

        void arm() {
            cancel();
            if (!closed) {
                timer = vertx.setTimer(limits.readTimeout().toMillis(), fired -> expired());
            }
        }

        void started(RoutingContext ctx) {
            current = ctx;
            arm();
        }

        void answered() {
            current = null;
            arm();
        }

        void closed() {
            closed = true;
            current = null;
            cancel();
        }

        private void cancel() {
            if (timer != -1) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        private void expired() {
            timer = -1;
            if (current == null) {
                LOG.debug("Closed a connection that sent no complete request within {} ms", limits.readTimeout().toMillis());
                connection.close();
            } else if (!current.request().isEnded()) {
                answers.answer(current.request(), 408, "request_timeout",
                        "the request body did not arrive within " + limits.readTimeout().toMillis() + " ms", true);
            }
            // else the whole request is in and being processed: its answer arms the next deadline
        }
    }
}
