package dev.wxacode.local;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition of a running system until it holds, and fails naming what never happened. */
public final class Await {

    private Await() {
    }

    public static void until(BooleanSupplier condition, Duration patience, String what) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + patience + ": " + what);
            }
            Thread.sleep(50);
        }
    }
}
