package dev.wxacode.kafka;

import java.util.concurrent.ConcurrentSkipListSet;

/**
 * One partition's records handed to the window and not yet finished, and the offset that may be
 * committed: the lowest unfinished one, or one past the last handed off when all are finished (as
 * Confluent's parallel-consumer tracks a partition, without its encoding of finished records beyond
 * the lowest unfinished: they are redone after a crash, and the window bounds how many).
 *
 * <p>{@link #begin} and {@link #toCommit} run on the partition's consumer thread, {@link #finish} on
 * any worker. A record finished by any copy (a redelivered one may run beside its first copy) was
 * answered, so removing its offset once is enough.
 */
final class PartitionOffsets {

    private final ConcurrentSkipListSet<Long> unfinished = new ConcurrentSkipListSet<>();
    /** One past the highest offset handed off; -1 before the first. */
    private volatile long next = -1;
    /** The last offset given to a commit; consumer thread only. */
    private long committed = -1;

    void begin(long offset) {
        unfinished.add(offset);
        next = Math.max(next, offset + 1);
    }

    void finish(long offset) {
        unfinished.remove(offset);
    }

    int unfinished() {
        return unfinished.size();
    }

    /** The offset to commit now, or -1 if it has not moved since the last commit. */
    long toCommit() {
        // read before next: a finish between the two reads only makes the answer lower, never past an unfinished record
        Long lowest = unfinished.ceiling(Long.MIN_VALUE);
        long at = lowest != null ? lowest : next;
        if (at <= committed) {
            return -1;
        }
        committed = at;
        return at;
    }
}
