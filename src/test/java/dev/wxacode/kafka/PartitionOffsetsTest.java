package dev.wxacode.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {

    @Test
    void commitsUpToTheLowestUnfinishedRecordWithTheFinishedOnesBeyondIt() {
        PartitionOffsets offsets = new PartitionOffsets();
        for (long offset = 10; offset < 15; offset++) {
            assertTrue(offsets.begin(offset));
        }
        offsets.finish(11);
        offsets.finish(13);
        OffsetAndMetadata commit = offsets.toCommit();
        assertEquals(10, commit.offset(), "10 is still running: nothing after it may be committed");
        assertEquals("wxacode-done:1,3", commit.metadata(), "11 and 13 are finished");
        assertNull(offsets.toCommit(), "not moved since");
        offsets.finish(10);
        assertEquals(new OffsetAndMetadata(12, "wxacode-done:1"), offsets.toCommit());
        offsets.finish(12);
        offsets.finish(14);
        assertEquals(new OffsetAndMetadata(15, "wxacode-done:"), offsets.toCommit(), "all finished: one past the last");
        assertTrue(offsets.begin(15));
        assertNull(offsets.toCommit());
    }

    @Test
    void theNextOwnerSkipsWhatTheLastCommitSaysIsFinished() {
        PartitionOffsets next = new PartitionOffsets(new OffsetAndMetadata(10, "wxacode-done:1,3"));
        assertTrue(next.begin(10), "unfinished at the commit: done again");
        assertFalse(next.begin(11), "finished: skipped");
        assertTrue(next.begin(12));
        assertFalse(next.begin(13));
        next.finish(10);
        next.finish(12);
        assertEquals(14, next.toCommit().offset());
        assertTrue(new PartitionOffsets(new OffsetAndMetadata(10, "someone else's")).begin(11), "metadata not ours: nothing skipped");
    }
}
