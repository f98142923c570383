package dev.wxacode.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks with the same key one after another, in the order they were submitted; tasks with
 * different keys (or none) run at once on the executor. A task says it is done by calling
 * {@link #done} (it may finish later than it returns, after a retry). A key is held only while it
 * has a task running or waiting.
 */
final class KeyQueues {

    private final Executor executor;
    private final boolean ordered;
    private final Map<Object, Queue<Runnable>> waiting = new HashMap<>();

    KeyQueues(Executor executor, boolean ordered) {
        this.executor = executor;
        this.ordered = ordered;
    }

    /** The key a record's task is held under, for {@link #submit} and {@link #done} (null: not ordered). */
    Object keyOf(Object recordKey) {
        return ordered ? comparable(recordKey) : null;
    }

    void submit(Object held, Runnable task) {
        if (held == null) {
            executor.execute(task);
            return;
        }
        synchronized (waiting) {
            Queue<Runnable> queue = waiting.get(held);
            if (queue != null) {
                queue.add(task);
                return;
            }
            waiting.put(held, new ArrayDeque<>());
        }
        executor.execute(task);
    }

    void done(Object held) {
        if (held == null) {
            return;
        }
        Runnable next;
        synchronized (waiting) {
            Queue<Runnable> queue = waiting.get(held);
            next = queue == null ? null : queue.poll();
            if (next == null) {
                waiting.remove(held);
            }
        }
        if (next != null) {
            executor.execute(next);
        }
    }

    /** Keys arrive as bytes (ByteArrayDeserializer), which compare by identity. */
    private static Object comparable(Object key) {
        return key instanceof byte[] bytes ? ByteBuffer.wrap(bytes.clone()) : key;
    }
}
