package io.simfaasinfer.pipeline;

import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.scheduler.AbstractScheduler;
import io.simfaasinfer.scheduler.Batch;
import io.simfaasinfer.scheduler.Scheduler;

import java.util.Map;
import java.util.TreeMap;

/**
 * The scheduler of a pipeline-parallel replica as the rest of the simulator sees it: {@code pp}
 * virtual engines, as vLLM v0 runs pipeline parallelism ({@code LLMEngine} makes one
 * {@code Scheduler} per virtual engine and gives a new request to the one with the fewest unfinished
 * requests, the first such on a tie). Each engine is an ordinary scheduler with at most one batch in
 * flight ({@link Pipeline}), so a request in a batch in flight is never in another one. Unlike vLLM
 * v0, which gives each engine {@code num_gpu_blocks // pp} blocks, the engines share the replica's
 * one block pool (as vLLM v1's single KV-cache manager does): a request can use the whole cache.
 * Counts (waiting, running, work, tokens, transfers) are the engines' sums; {@link #kv} is the shared
 * pool. {@link #schedule} and {@link #complete} are the pipeline's business, per engine.
 */
public final class VirtualEngines implements Scheduler {

    private final Scheduler[] engines;
    private final BlockManager kv;

    /** @param engines the virtual engines, all over {@code kv} */
    public VirtualEngines(Scheduler[] engines, BlockManager kv) {
        if (engines.length < 2) {
            throw new IllegalArgumentException("a pipeline has at least two virtual engines");
        }
        for (Scheduler e : engines) {
            if (e.kv() != kv) {
                throw new IllegalArgumentException("every virtual engine must share the replica's block pool");
            }
        }
        this.engines = engines.clone();
        this.kv = kv;
    }

    public int size() {
        return engines.length;
    }

    public Scheduler engine(int i) {
        return engines[i];
    }

    @Override
    public String name() {
        return engines[0].name();
    }

    /** vLLM v0's {@code add_request}: the engine with the fewest unfinished requests, the first on a tie. */
    @Override
    public void enqueue(Request r, long now) {
        engines[leastLoaded(false)].enqueue(r, now);
    }

    private int leastLoaded(boolean countIncoming) {
        int best = 0;
        long bestLoad = Long.MAX_VALUE;
        for (int i = 0; i < engines.length; i++) {
            long load = engines[i].outstanding() + (countIncoming ? engines[i].incomingTransfers() : 0);
            if (load < bestLoad) {
                best = i;
                bestLoad = load;
            }
        }
        return best;
    }

    @Override
    public boolean schedule(long now, Batch out) {
        throw new UnsupportedOperationException("a pipelined replica schedules per virtual engine (Pipeline)");
    }

    @Override
    public void complete(Batch batch, long now) {
        throw new UnsupportedOperationException("a pipelined replica completes per virtual engine (Pipeline)");
    }

    @Override
    public int waiting() {
        int n = 0;
        for (Scheduler e : engines) {
            n += e.waiting();
        }
        return n;
    }

    @Override
    public int running() {
        int n = 0;
        for (Scheduler e : engines) {
            n += e.running();
        }
        return n;
    }

    @Override
    public long remainingWorkTokens() {
        long n = 0;
        for (Scheduler e : engines) {
            n += e.remainingWorkTokens();
        }
        return n;
    }

    @Override
    public long emittedTokens() {
        long n = 0;
        for (Scheduler e : engines) {
            n += e.emittedTokens();
        }
        return n;
    }

    /** Recompute preemptions of every engine. */
    public long preemptions() {
        long n = 0;
        for (Scheduler e : engines) {
            n += e instanceof AbstractScheduler a ? a.preemptions() : 0;
        }
        return n;
    }

    @Override
    public Map<String, Long> policyCounters() {
        Map<String, Long> sum = new TreeMap<>();
        for (Scheduler e : engines) {
            e.policyCounters().forEach((k, v) -> sum.merge(k, v, Long::sum));
        }
        return sum;
    }

    @Override
    public BlockManager kv() {
        return kv;
    }

    @Override
    public boolean supportsDisaggregation() {
        return engines[0].supportsDisaggregation();
    }

    @Override
    public boolean supportsDecodeRole() {
        return engines[0].supportsDecodeRole();
    }

    /** The engine that handed {@code r} off holds it only as a count; the blocks are the shared pool's. */
    @Override
    public void releaseHandedOff(Request r) {
        for (Scheduler e : engines) {
            if (e.heldForTransfer() > 0) {
                e.releaseHandedOff(r);
                return;
            }
        }
        throw new IllegalStateException("request " + r.id() + " is not held for a transfer here");
    }

    /** Decode side: the engine with the fewest outstanding and incoming requests takes the transfer. */
    @Override
    public int transferBlocksIfFree(Request r) {
        return engines[leastLoaded(true)].transferBlocksIfFree(r);
    }

    @Override
    public void reserveTransfer(Request r, int blocks) {
        engines[leastLoaded(true)].reserveTransfer(r, blocks);
    }

    /** The transferred cache arrived: it joins the least loaded engine expecting one. */
    @Override
    public void acceptTransferred(Request r, int blocks, long now) {
        int best = -1;
        for (int i = 0; i < engines.length; i++) {
            if (engines[i].incomingTransfers() > 0 && (best < 0 || engines[i].outstanding() < engines[best].outstanding())) {
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("request " + r.id() + " arrived without a reservation");
        }
        engines[best].acceptTransferred(r, blocks, now);
    }

    @Override
    public int incomingTransfers() {
        int n = 0;
        for (Scheduler e : engines) {
            n += e.incomingTransfers();
        }
        return n;
    }

    @Override
    public int heldForTransfer() {
        int n = 0;
        for (Scheduler e : engines) {
            n += e.heldForTransfer();
        }
        return n;
    }

    @Override
    public String admissionProblem(Request r) {
        return engines[0].admissionProblem(r);
    }
}
