package io.simfaasinfer.kvcache;

/**
 * An open-addressing map from {@code long} keys to non-negative {@code int} values, without boxing
 * (linear probing, backward-shift deletion, grows at half load). Keys and values sit side by side
 * in one array, so a probe touches one cache line. Used on the scheduler's hot path, where a
 * {@code HashMap<Long, Integer>} would allocate per operation.
 */
public final class LongIntHashMap {

    /** Returned for an absent key. */
    public static final int ABSENT = -1;

    /** Slot i: key at 2i, value at 2i+1 (ABSENT = empty slot). */
    private long[] table;
    private int mask;
    private int size;

    public LongIntHashMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        allocate(cap);
    }

    private void allocate(int cap) {
        table = new long[cap * 2];
        for (int i = 1; i < table.length; i += 2) {
            table[i] = ABSENT;
        }
        mask = cap - 1;
    }

    public int size() {
        return size;
    }

    /** The value of {@code key}, or {@link #ABSENT}. */
    public int get(long key) {
        long[] t = table;
        int i = index(key);
        long v;
        while ((v = t[2 * i + 1]) != ABSENT) {
            if (t[2 * i] == key) {
                return (int) v;
            }
            i = (i + 1) & mask;
        }
        return ABSENT;
    }

    public boolean containsKey(long key) {
        return get(key) != ABSENT;
    }

    /** Maps {@code key} to {@code value} (>= 0); returns the previous value or {@link #ABSENT}. */
    public int put(long key, int value) {
        return insert(key, value, true);
    }

    /** Maps {@code key} to {@code value} (>= 0) unless present; returns the present value or {@link #ABSENT}. */
    public int putIfAbsent(long key, int value) {
        return insert(key, value, false);
    }

    private int insert(long key, int value, boolean replace) {
        if (value < 0) {
            throw new IllegalArgumentException("values must be >= 0, got " + value);
        }
        long[] t = table;
        int i = index(key);
        long v;
        while ((v = t[2 * i + 1]) != ABSENT) {
            if (t[2 * i] == key) {
                if (replace) {
                    t[2 * i + 1] = value;
                }
                return (int) v;
            }
            i = (i + 1) & mask;
        }
        t[2 * i] = key;
        t[2 * i + 1] = value;
        if (++size * 2 > mask + 1) {
            grow();
        }
        return ABSENT;
    }

    /** Removes {@code key}; returns its value or {@link #ABSENT}. */
    public int remove(long key) {
        long[] t = table;
        int i = index(key);
        long v;
        while ((v = t[2 * i + 1]) != ABSENT) {
            if (t[2 * i] == key) {
                shiftBack(i);
                size--;
                return (int) v;
            }
            i = (i + 1) & mask;
        }
        return ABSENT;
    }

    public void clear() {
        for (int i = 1; i < table.length; i += 2) {
            table[i] = ABSENT;
        }
        size = 0;
    }

    /** Closes the gap at {@code gap} by moving later entries of the same probe run back. */
    private void shiftBack(int gap) {
        long[] t = table;
        int i = gap;
        while (true) {
            i = (i + 1) & mask;
            if (t[2 * i + 1] == ABSENT) {
                break;
            }
            int home = index(t[2 * i]);
            // move entry i into the gap unless its home lies cyclically in (gap, i]
            boolean stays = gap <= i ? (gap < home && home <= i) : (gap < home || home <= i);
            if (!stays) {
                t[2 * gap] = t[2 * i];
                t[2 * gap + 1] = t[2 * i + 1];
                gap = i;
            }
        }
        t[2 * gap + 1] = ABSENT;
    }

    private void grow() {
        long[] old = table;
        allocate((mask + 1) * 2);
        size = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i + 1] != ABSENT) {
                insert(old[i], (int) old[i + 1], true);
            }
        }
    }

    private int index(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
