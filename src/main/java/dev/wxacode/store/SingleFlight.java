package dev.wxacode.store;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.wxacode.core.FlowProperties;
import dev.wxacode.core.StoredCode;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Identical requests in flight in this instance (the same object key) share one WeChat call and one
 * S3 put, over HTTP and Kafka alike. The first to find nothing stored leads: it generates and
 * stores as usual. The others wait for it and answer with its object as a reused one (they made no
 * call and spent none of the app's limited codes: what "reused" tells a caller), or, if it failed,
 * fail the same way: a permanent error is the request's own and theirs too; a transient one is
 * retried by each as usual, and the first retry leads anew. A failure is never remembered.
 *
 * <p>The leader's flight ends as soon as its code is stored ({@link #release}, the step after the
 * put), before its reply goes out: a caller that sends the same request again once it has its answer
 * starts a flight of its own instead of joining one that is over (with wxacode.reuse-existing off it
 * must be generated again, not answered as reused). A flight that ends without a stored code ends
 * when its exchange completes (retries spent): a retry of the leader finds the key led by its own
 * exchange and goes on leading, its followers still waiting.
 */
public final class SingleFlight {

    private record Flight(String leader, CompletableFuture<StoredCode> result) {
    }

    private final Map<String, Flight> flights = new ConcurrentHashMap<>();
    private final Duration maxWait;

    /** @param maxWait how long a follower waits for its leader before it fails as unavailable (and is retried) */
    public SingleFlight(Duration maxWait) {
        this.maxWait = maxWait;
    }

    /**
     * Step before generate-unless-found: the code found, if there is one; else, if an identical
     * request is in flight, its code once it is stored; else null, and this request leads the key's
     * flight (also when it is the leader's own retry).
     */
    public StoredCode join(@ExchangeProperty(FlowProperties.STORED) StoredCode found,
                           @ExchangeProperty(FlowProperties.OBJECT_KEY) String key, Exchange exchange) throws Exception {
        if (found != null) {
            return found;
        }
        Flight mine = new Flight(exchange.getExchangeId(), new CompletableFuture<>());
        Flight flight = flights.putIfAbsent(key, mine);
        if (flight == null) {
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    land(key, mine, done);
                }
            });
            return null;
        }
        if (flight.leader().equals(exchange.getExchangeId())) {
            return null;
        }
        StoredCode code = await(flight);
        return new StoredCode(code.bucket(), code.key(), code.contentType(), code.size(), code.sha256(), true);
    }

    /**
     * Step after the put: the leader's code is stored, so its followers take it now and a request
     * that comes after this one starts anew. Nothing to do for a follower, or when nothing was stored.
     */
    public void release(@ExchangeProperty(FlowProperties.OBJECT_KEY) String key,
                        @ExchangeProperty(FlowProperties.STORED) StoredCode stored, Exchange exchange) {
        Flight flight = key == null ? null : flights.get(key);
        if (flight != null && stored != null && flight.leader().equals(exchange.getExchangeId())) {
            land(key, flight, exchange);
        }
    }

    private StoredCode await(Flight flight) throws Exception {
        try {
            return flight.result().get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw failed;
        } catch (TimeoutException slow) {
            // transient: retried, and by then the key is stored or led by someone else
            throw new StorageUnavailableException("an identical request in flight did not finish within " + maxWait);
        }
    }

    private void land(String key, Flight flight, Exchange done) {
        flights.remove(key, flight);
        StoredCode code = done.getProperty(FlowProperties.STORED, StoredCode.class);
        if (code != null && !code.reused()) {
            // stored: whatever failed after the put (the reply) is the leader's own
            flight.result().complete(code);
            return;
        }
        Exception failure = done.getException() != null ? done.getException()
                : done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (code != null) {
            // found after all (another instance stored it): as good as stored
            flight.result().complete(code);
        } else {
            flight.result().completeExceptionally(failure != null ? failure
                    : new StorageUnavailableException("an identical request in flight ended without an object"));
        }
    }
}
