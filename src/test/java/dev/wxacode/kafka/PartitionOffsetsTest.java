package dev.wxacode.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {

    @Test
    void commitsOnlyUpToTheLowestUnfinishedRecord() {
        PartitionOffsets offsets = new PartitionOffsets();
        for (long offset = 10; offset < 15; offset++) {
            offsets.begin(offset);
        }
        offsets.finish(11);
        offsets.finish(13);
        assertEquals(10, offsets.toCommit(), "10 is still running: nothing after it may be committed");
        assertEquals(-1, offsets.toCommit(), "not moved since");
        offsets.finish(10);
        assertEquals(12, offsets.toCommit());
        offsets.finish(12);
        offsets.finish(14);
        assertEquals(15, offsets.toCommit(), "all finished: one past the last handed off");
        offsets.begin(15);
        assertEquals(-1, offsets.toCommit());
    }
}
