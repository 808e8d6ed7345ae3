package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.routing.Router;
import io.simfaasinfer.transfer.KvTransferModel;
import io.simfaasinfer.transfer.TransferStats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A running deployment: its pools, the entry stage a request arrives at, and (disaggregated) the
 * decode stage with its KV transfers. Built pool by pool ({@link Builder}); every replica gets a
 * deployment-wide index.
 */
public final class Deployment {

    private final EventQueue queue;
    private final List<Pool> pools = new ArrayList<>();
    private final ArrayList<Replica> replicas = new ArrayList<>();
    private final ArrayList<Pool> owners = new ArrayList<>();
    private Stage entry;
    private DecodeStage decode;
    private TransferStats transferStats;

    private Deployment(EventQueue queue) {
        this.queue = queue;
    }

    /** Assembles a deployment: pools first (entry roles, then decode), then {@link #build}. */
    public static final class Builder {
        private final Deployment d;
        private final List<Pool> entryPools = new ArrayList<>();
        private final List<Pool> decodePools = new ArrayList<>();
        private int nextIndex;
        private DecodeStage decodeStage;

        public Builder(EventQueue queue) {
            this.d = new Deployment(queue);
        }

        /**
         * Declares the decode stage of a disaggregated deployment (before adding prefill pools, which
         * hand requests to it).
         */
        public Builder disaggregated(Router decodeRouter, KvTransferModel model, TransferStats stats) {
            d.transferStats = stats;
            decodeStage = new DecodeStage(decodeRouter, model, stats, d, d.queue);
            return this;
        }

        /**
         * Adds a pool whose lifecycle {@code lifecycle} makes from the pool.
         *
         * @param maxReplicas most replicas it can ever have
         */
        public Pool add(Pool.Spec spec, int maxReplicas, Function<Pool, Lifecycle> lifecycle) {
            boolean prefill = spec.role() == Role.PREFILL;
            if ((prefill || spec.role() == Role.DECODE) && decodeStage == null) {
                throw new IllegalStateException("a " + spec.role().label() + " pool needs disaggregated(...) first");
            }
            Pool p = new Pool(spec, d.queue, prefill ? decodeStage : null, d::register, nextIndex, maxReplicas);
            nextIndex += maxReplicas;
            p.setLifecycle(lifecycle.apply(p));
            if (spec.role() == Role.DECODE) {
                decodePools.add(p);
                decodeStage.addPool(p);
            } else {
                entryPools.add(p);
            }
            d.pools.add(p);
            return p;
        }

        /** The deployment, with {@code entryRouter} as the entry stage's global policy. */
        public Deployment build(Router entryRouter) {
            if (entryPools.isEmpty()) {
                throw new IllegalStateException("a deployment needs a mixed or prefill pool");
            }
            if (decodeStage != null && decodePools.isEmpty()) {
                throw new IllegalStateException("a disaggregated deployment needs a decode pool");
            }
            d.decode = decodeStage;
            d.entry = new Stage(entryPools, entryRouter, entryPools.get(0).spec().observer(), decodeStage, d::poolOf);
            return d;
        }
    }

    private void register(Pool owner, Replica r) {
        while (replicas.size() <= r.index()) {
            replicas.add(null);
            owners.add(null);
        }
        replicas.set(r.index(), r);
        owners.set(r.index(), owner);
    }

    /** The replica with deployment-wide index {@code index}. */
    Replica replica(int index) {
        return replicas.get(index);
    }

    Pool poolOf(Replica r) {
        return owners.get(r.index());
    }

    /** Starts every pool's lifecycle (t = 0). */
    public void start(long now) {
        for (Pool p : pools) {
            p.lifecycle().start(now);
        }
    }

    /** A request arrives at the front door. */
    public void submit(Request r, long now) {
        entry.submit(r, now);
    }

    public void onWorkloadExhausted(long now) {
        for (Pool p : pools) {
            p.lifecycle().onWorkloadExhausted(now);
        }
    }

    /** Every pool, entry pools before decode pools in the order added. */
    public List<Pool> pools() {
        return Collections.unmodifiableList(pools);
    }

    public boolean disaggregated() {
        return decode != null;
    }

    /** The KV transfer statistics, or null when aggregated. */
    public TransferStats transferStats() {
        return transferStats;
    }

    /** Prefilled requests waiting for decode memory now (0 when aggregated). */
    public int waitingForDecodeMemory() {
        return decode == null ? 0 : decode.waitingForMemory();
    }
}
