package dev.wxacode.kafka;

import java.util.HashSet;
import java.util.NavigableSet;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentSkipListSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * One partition's records handed to the window and not yet finished, and what may be committed:
 * the offset of the lowest unfinished record (or one past the last handed off, when all are
 * finished), with the records already finished beyond it listed in the commit's metadata, as
 * Confluent's parallel-consumer does (OffsetMapCodecManager, here as plain text). Whoever gets the
 * partition next (this instance after a restart, another after a rebalance) skips those: only the
 * records that were unfinished are done again.
 *
 * <p>{@link #begin}, {@link #skips} and {@link #toCommit} run on the partition's consumer thread,
 * {@link #finish} on any worker. A record finished by any copy was answered, so finishing once is enough.
 */
final class PartitionOffsets {

    /** Kafka keeps up to 4096 bytes of metadata per offset by default (offset.metadata.max.bytes). */
    static final int METADATA_MAX = 4000;
    private static final String FORMAT = "wxacode-done:";

    private final NavigableSet<Long> unfinished = new ConcurrentSkipListSet<>();
    /** Finished records above the lowest unfinished one: committed as metadata. */
    private final NavigableSet<Long> finishedAhead = new ConcurrentSkipListSet<>();
    /** Records the last commit before this owner said were finished: not done again. */
    private final Set<Long> done;
    /** One past the highest offset handed off; -1 before the first. */
    private volatile long next = -1;
    /** The last commit made; consumer thread only. */
    private OffsetAndMetadata committed;

    PartitionOffsets() {
        this(null);
    }

    /** @param lastCommit the partition's committed offset when it was assigned, with its metadata */
    PartitionOffsets(OffsetAndMetadata lastCommit) {
        this.done = decode(lastCommit);
        this.committed = lastCommit;
    }

    /** @return false if the record was finished before (the last commit says so): it is not to be run */
    boolean begin(long offset) {
        next = Math.max(next, offset + 1);
        if (done.remove(offset)) {
            finishedAhead.add(offset);
            return false;
        }
        unfinished.add(offset);
        return true;
    }

    void finish(long offset) {
        if (unfinished.remove(offset)) {
            finishedAhead.add(offset);
        }
    }

    int unfinished() {
        return unfinished.size();
    }

    /** What to commit now, or null if nothing changed since the last commit. */
    OffsetAndMetadata toCommit() {
        // unfinished before next: a record finished between the two reads only makes the answer lower
        Long lowest = unfinished.isEmpty() ? null : unfinished.ceiling(Long.MIN_VALUE);
        long at = lowest != null ? lowest : next;
        if (at < 0) {
            return null;
        }
        finishedAhead.headSet(at).clear();
        StringJoiner ahead = new StringJoiner(",", FORMAT, "");
        for (long offset : finishedAhead) {
            String delta = Long.toString(offset - at);
            if (ahead.length() + delta.length() + 1 > METADATA_MAX) {
                // the rest is done again after a crash: at least once either way
                break;
            }
            ahead.add(delta);
        }
        OffsetAndMetadata commit = new OffsetAndMetadata(at, ahead.toString());
        if (committed != null && committed.offset() > at) {
            // a commit by an earlier owner went further: never move the group back
            return null;
        }
        if (commit.equals(committed)) {
            return null;
        }
        committed = commit;
        return commit;
    }

    private static Set<Long> decode(OffsetAndMetadata commit) {
        Set<Long> offsets = new HashSet<>();
        if (commit == null || commit.metadata() == null || !commit.metadata().startsWith(FORMAT)) {
            return offsets;
        }
        for (String delta : commit.metadata().substring(FORMAT.length()).split(",")) {
            if (!delta.isEmpty()) {
                try {
                    offsets.add(commit.offset() + Long.parseLong(delta));
                } catch (NumberFormatException e) {
                    // not ours after all: nothing is skipped
                    return new HashSet<>();
                }
            }
        }
        return offsets;
    }
}
