package io.simfaasinfer.scheduler;

import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.DecodeClock;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The steady decoders of a scheduler whose iterations decode every running request past its prefill
 * at the head of its running list (the decode iterations of {@link VllmScheduler} and
 * {@link LightLlmScheduler}, and of {@link FasterTransformerScheduler}'s static batches, padded ones costed as
 * such by the scheduler ({@link Batch#padSteadyDecodes});
 * {@link OrcaScheduler}'s, whose new prompts the scheduler adds beside; the
 * decodes-first part of {@link SarathiScheduler}'s and {@link VllmV1Scheduler}'s chunked iterations,
 * whose prefill chunks the scheduler adds beside), advanced together by one {@link DecodeClock} so
 * that the decodes of an iteration cost O(1) plus the requests they change, not O(running). Exact:
 * every figure of a run is what decoding each request one by one gives (the golden digests of
 * {@code ScaleGoldenTest}, {@code DecodeCohortTest}).
 *
 * <p>The first {@code members} requests of the running list are joined to the clock (running order
 * is admission order, and a request joins after its first decode here, so the joined ones are a
 * prefix); the rest of an iteration's {@code n} decoders ("pending": just prefilled or transferred)
 * decode one by one until their first decode here ends. Per member this keeps when its KV grows by a
 * block (its KV tokens reach its blocks x block size: once per block size of epochs; never, if it
 * holds every block it will need) and when it emits its last token: a decode iteration
 * allocates one block for each member due (a count per epoch; the blocks are allocated in bulk, and
 * each request counts its own from the clock, so no member is read) and, at its end, pops those that
 * finish (materialised, their last token emitted as usual). The other members' tokens reach the metrics as one run per class
 * ({@link RequestObserver#onDecodeRun}), each with the iteration's one gap. When the blocks the
 * iteration needs exceed the free ones, preemption must choose victims request by request: the
 * cohort dissolves ({@link #dissolve}: every member materialised) and the scheduler's per-request
 * pass runs; the next decode iteration starts a new cohort.
 */
final class DecodeCohort {

    /** A member and the epoch of its last token, by the clock. */
    private static final class Member {
        final Request r;
        final long order;
        final long finish;
        boolean left;

        Member(Request r, long order, long finish) {
            this.r = r;
            this.order = order;
            this.finish = finish;
        }
    }

    /** No classes past 0: one empty array shared by every cohort (immutable), so its length is read from the cache. */
    private static final long[] ONE_CLASS = new long[0];

    private final DecodeClock clock;
    private final BlockManager kv;
    private final int blockSize;
    /**
     * How many members are due for a block at each epoch, modulo the ring's length: that epoch is at
     * most a block size ahead (a member holds less than a block beyond its KV tokens), so the ring has
     * one count per epoch from now to then. The members are not listed: the clock allocates their
     * blocks in bulk ({@link DecodeClock#markGrown}) and each request counts its own
     * ({@link Request#blocks}), so an iteration reads none of them (on a large cluster every member is
     * out of the caches). A member that finishes is taken off the count it is due at.
     */
    private final int[] ring;
    /**
     * Members by the epoch of their last token: a binary min-heap over {@link #heapFinish}, the epochs
     * kept beside the members so that the per-iteration check reads no member.
     */
    private Member[] heap = new Member[64];
    private long[] heapFinish = new long[64];
    private int heapSize;
    /**
     * {@code heapFinish[0]}, or {@code Long.MAX_VALUE} when the heap is empty: the per-iteration check
     * reads this field of the cohort, not the heap's array (a line of its own, on a large cluster out of
     * the caches at every iteration).
     */
    private long nextFinish = Long.MAX_VALUE;
    /** This iteration's members finishing, in running order (reused, cleared after use). */
    private Member[] done = new Member[16];
    /** The requests this iteration finished, in running order (reused). */
    private Request[] finished = new Request[16];
    private int members;
    private long nextOrder;
    /** Sum of the members' KV tokens now. */
    private long membersKv;
    /**
     * Members of measured requests of class 0 (most runs have one class): a field, so that the
     * per-iteration report reads no array; {@link #measuredMore} holds classes 1 and up (index c - 1).
     */
    private long measured0;
    private long[] measuredMore = ONE_CLASS;
    private Request[] single = new Request[16];
    private long[] singleGaps = new long[16];

    DecodeCohort(BlockManager kv) {
        this.kv = kv;
        this.blockSize = kv.blockSize();
        this.clock = new DecodeClock(blockSize);
        // a member is due at most a block size ahead: one count per epoch up to then, a power of two
        this.ring = new int[Integer.highestOneBit(blockSize) * 2];
    }

    int members() {
        return members;
    }

    /**
     * Forms the decodes of an iteration in which the first {@code n} running requests (every one past
     * its prefill, the members among them) decode into {@code out}: the members due for a block get
     * one, the pending ones what they lack. False, changing nothing, if that is more than the free
     * blocks (the caller then {@linkplain #dissolve dissolves} the cohort and preempts request by request).
     */
    boolean schedule(List<Request> running, int n, Batch out) {
        if (n < members) {
            throw new IllegalStateException("decode cohort: " + n + " decodes for " + members + " members");
        }
        long epoch = clock.epoch();
        int slot = slot(epoch);
        int d = ring[slot];
        long need = d;
        for (int i = members; i < n; i++) {
            Request r = running.get(i);
            need += extraBlocks(r);
        }
        if (need > kv.freeBlocks()) {
            return false; // unchanged: dissolve() follows
        }
        // the due members' blocks (one each), before the pending ones', as the per-request pass in running order
        if (d > 0) {
            kv.allocate(d);
            ring[slot] = 0;
            ring[slot(epoch + blockSize)] += d; // each due again a block size later (taken off if it finishes first)
        }
        clock.markGrown(epoch);
        long pendingKv = 0;
        for (int i = members; i < n; i++) {
            Request r = running.get(i);
            int context = r.kvTokens();
            kv.grow(r, extraBlocks(r));
            pendingKv += context;
        }
        out.setSteadyDecodes(running, n, membersKv + pendingKv);
        return true;
    }

    /**
     * Completes the steady decode iteration of the first {@code n} running requests at {@code now}: a
     * token for each, then the finished ones release their KV, are reported finished and leave the
     * running set, in running order. Returns the tokens emitted ({@code n}).
     */
    int complete(ArrayList<Request> running, int n, long now, RequestObserver observer) {
        long next = clock.epoch() + 1;
        long gap = now - clock.lastEndNs();
        // members joined in running order: the first has the oldest join epoch (gaps before it are not
        // needed); read only when the clock may need it (the first request is out of the caches on a large cluster)
        long oldest = members > 0 && clock.full() ? running.get(0).joinedEpoch() : next;
        int dn = 0;
        while (nextFinish <= next) {
            Member m = pollFinishing();
            if (m.finish != next || m.left) {
                throw new IllegalStateException("decode cohort: request " + m.r.id() + " due at epoch " + m.finish
                        + " seen at " + next);
            }
            if (dn == done.length) {
                done = Arrays.copyOf(done, 2 * dn);
            }
            done[dn++] = m;
        }
        sortByOrder(done, dn);
        int singles = dn + (n - members);
        if (single.length < singles) {
            single = new Request[Math.max(singles, 2 * single.length)];
            singleGaps = new long[single.length];
        }
        int k = 0;
        for (int i = 0; i < dn; i++) {
            Member m = done[i];
            Request r = m.r;
            m.left = true;
            long due = r.nextGrowEpoch();
            if (due != Long.MAX_VALUE) {
                ring[slot(due)]--;
            }
            r.leaveClock();
            single[k] = r;
            singleGaps[k++] = r.emitToken(now);
            if (r.measured()) {
                addMeasured(r.classId(), -1); // its last token is its own
            }
        }
        for (int i = members; i < n; i++) {
            Request r = running.get(i);
            single[k] = r;
            singleGaps[k++] = r.emitToken(now);
        }
        if (measured0 > 0) {
            observer.onDecodeRun(0, gap, measured0, now);
        }
        for (int c = 0; c < measuredMore.length; c++) {
            if (measuredMore[c] > 0) {
                observer.onDecodeRun(c + 1, gap, measuredMore[c], now);
            }
        }
        if (k > 0) {
            observer.onDecodeTokens(single, singleGaps, k, now);
            Arrays.fill(single, 0, k, null);
        }
        // the clock's epoch: every member one token further; the finished members leave, the pending join
        membersKv += members;
        if (finished.length < singles) {
            finished = new Request[Math.max(singles, 2 * finished.length)];
        }
        int f = 0;
        for (int i = 0; i < dn; i++) {
            Member m = done[i];
            done[i] = null;
            membersKv -= m.r.kvTokens();
            finished[f++] = m.r;
        }
        int pendingFrom = members;
        members -= dn;
        clock.advance(now, oldest);
        for (int i = pendingFrom; i < n; i++) {
            Request r = running.get(i);
            if (r.isFinished()) {
                finished[f++] = r;
            } else {
                join(r);
            }
        }
        if (f > 0) {
            for (int i = 0; i < f; i++) {
                Request r = finished[i];
                kv.release(r);
                observer.onFinished(r, now);
            }
            removeInOrder(running, finished, f);
            Arrays.fill(finished, 0, f, null);
        }
        return n;
    }

    /** Runs of finished requests removed by array copies before one compacting pass does the rest. */
    private static final int MOVED_RUNS = 4;

    /**
     * Removes {@code gone} (requests of {@code running}, in its order) from it by identity: the other
     * running requests are not read (on a large cluster they are out of the caches). Requests that
     * finish together are mostly adjacent (prefilled together, or the oldest members at the front), so
     * each run of them leaves with one array copy of the requests behind it; past {@link #MOVED_RUNS}
     * runs the rest leave in one compacting pass (no quadratic worst case).
     */
    private static void removeInOrder(ArrayList<Request> running, Request[] gone, int count) {
        int g = 0;
        int from = 0;
        for (int runs = 0; g < count && runs < MOVED_RUNS; runs++) {
            int start = from;
            int n = running.size();
            while (start < n && running.get(start) != gone[g]) {
                start++;
            }
            if (start == n) {
                throw new IllegalStateException("finished requests not in running order");
            }
            int end = start + 1;
            g++;
            while (g < count && end < n && running.get(end) == gone[g]) {
                end++;
                g++;
            }
            if (end - start == 1) {
                running.remove(start);
            } else {
                running.subList(start, end).clear();
            }
            from = start;
        }
        if (g == count) {
            return;
        }
        int kept = from;
        for (int i = from, n = running.size(); i < n; i++) {
            Request r = running.get(i);
            if (g < count && r == gone[g]) {
                g++;
            } else {
                running.set(kept++, r);
            }
        }
        if (g != count) {
            throw new IllegalStateException("finished requests not in running order");
        }
        running.subList(kept, running.size()).clear();
    }

    /** Every member leaves the clock with its exact state; the cohort is empty after. */
    void dissolve(List<Request> running) {
        for (int i = 0; i < members; i++) {
            running.get(i).leaveClock();
        }
        members = 0;
        membersKv = 0;
        measured0 = 0;
        Arrays.fill(measuredMore, 0);
        Arrays.fill(ring, 0);
        Arrays.fill(heap, 0, heapSize, null);
        heapSize = 0;
        nextFinish = Long.MAX_VALUE;
    }

    private void join(Request r) {
        Member m = new Member(r, nextOrder++, clock.epoch() + r.remainingOutput());
        int kvTokens = r.kvTokens();
        r.joinClock(clock); // from now on the request counts the blocks the clock allocates it
        long grow = r.nextGrowEpoch(); // its first block's epoch (at most a block size ahead), or none
        if (grow != Long.MAX_VALUE) {
            ring[slot(grow)]++;
        }
        addFinishing(m);
        members++;
        membersKv += kvTokens;
        if (r.measured()) {
            addMeasured(r.classId(), 1);
        }
    }

    private void addMeasured(int c, int delta) {
        if (c == 0) {
            measured0 += delta;
            return;
        }
        if (c > measuredMore.length) {
            measuredMore = Arrays.copyOf(measuredMore, c);
        }
        measuredMore[c - 1] += delta;
    }

    private int slot(long epoch) {
        return (int) epoch & (ring.length - 1);
    }

    /** Insertion sort of the first {@code n} by running order (a few members). */
    private static void sortByOrder(Member[] list, int n) {
        for (int i = 1; i < n; i++) {
            Member m = list[i];
            int j = i - 1;
            while (j >= 0 && list[j].order > m.order) {
                list[j + 1] = list[j];
                j--;
            }
            list[j + 1] = m;
        }
    }

    /** Adds {@code m} to the heap of last-token epochs (ties in any order: the members popped together are sorted). */
    private void addFinishing(Member m) {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, 2 * heapSize);
            heapFinish = Arrays.copyOf(heapFinish, 2 * heapSize);
        }
        long key = m.finish;
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heapFinish[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            heapFinish[i] = heapFinish[parent];
            i = parent;
        }
        heap[i] = m;
        heapFinish[i] = key;
        nextFinish = heapFinish[0];
    }

    private Member pollFinishing() {
        Member top = heap[0];
        int n = --heapSize;
        Member last = heap[n];
        long key = heapFinish[n];
        heap[n] = null;
        if (n > 0) {
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= n) {
                    break;
                }
                if (c + 1 < n && heapFinish[c + 1] < heapFinish[c]) {
                    c++;
                }
                if (heapFinish[c] >= key) {
                    break;
                }
                heap[i] = heap[c];
                heapFinish[i] = heapFinish[c];
                i = c;
            }
            heap[i] = last;
            heapFinish[i] = key;
        }
        nextFinish = n > 0 ? heapFinish[0] : Long.MAX_VALUE;
        return top;
    }

    /** Blocks {@code r} lacks for its next decode (which appends one token to its KV). */
    private int extraBlocks(Request r) {
        return kv.extraBlocksFor(r, (long) r.kvTokens() + 1);
    }
}
