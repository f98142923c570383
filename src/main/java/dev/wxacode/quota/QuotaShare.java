package dev.wxacode.quota;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This instance's part of each app's quota, as a fraction: the coordination partitions it holds
 * of all of them ({@link QuotaCoordination}), or one of a fixed number of instances. Every
 * instance's part comes from the same whole, so the parts of a deployment add up to at most 1.
 */
public final class QuotaShare {

    /** Read as one value, so a reader never sees the owned count of one assignment over the total of another. */
    private record Part(int owned, int total) {
    }

    private volatile Part part;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private QuotaShare(int owned, int total) {
        this.part = new Part(owned, total);
    }

    /** All of the quota: a single instance, or pacing that is not shared. */
    public static QuotaShare whole() {
        return new QuotaShare(1, 1);
    }

    /** One of {@code instances} equal parts, for a deployment that cannot coordinate (no Kafka). */
    public static QuotaShare oneOf(int instances) {
        if (instances < 1) {
            throw new IllegalArgumentException("wechat.pace.instances must be 1 or more for a fixed share (was " + instances + ")");
        }
        return new QuotaShare(1, instances);
    }

    /** Nothing until the coordination group assigns partitions: an instance never takes a part it was not given. */
    public static QuotaShare none() {
        return new QuotaShare(0, 1);
    }

    /** @param owned the coordination partitions this instance holds, of {@code total} */
    public void set(int owned, int total) {
        if (total < 1 || owned < 0 || owned > total) {
            throw new IllegalArgumentException("a share of " + owned + " of " + total);
        }
        part = new Part(owned, total);
        listeners.forEach(Runnable::run);
    }

    public double fraction() {
        Part p = part;
        return (double) p.owned() / p.total();
    }

    public int owned() {
        return part.owned();
    }

    public int total() {
        return part.total();
    }

    /** Called after every change (metrics, log lines). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public String toString() {
        Part p = part;
        return p.owned() + " of " + p.total();
    }
}
