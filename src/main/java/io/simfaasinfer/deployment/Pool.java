package io.simfaasinfer.deployment;

import io.simfaasinfer.catalog.GpuSpec;
import io.simfaasinfer.catalog.ModelSpec;
import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.config.SchedulerConfig;
import io.simfaasinfer.engine.Event;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.engine.Phase;
import io.simfaasinfer.kvcache.BlockManager;
import io.simfaasinfer.kvcache.KvCapacity;
import io.simfaasinfer.pipeline.Pipeline;
import io.simfaasinfer.pipeline.StageTimes;
import io.simfaasinfer.pipeline.VirtualEngines;
import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import io.simfaasinfer.scheduler.Handoff;
import io.simfaasinfer.scheduler.Scheduler;
import io.simfaasinfer.scheduler.SchedulerContext;
import io.simfaasinfer.scheduler.SchedulerFactory;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * One pool of a deployment: identical replicas (one GPU type, one TP degree, one scheduler and KV
 * sizing) with one role and one {@link Lifecycle}. Makes its replicas when its lifecycle asks
 * ({@link #newReplica}), enqueues routed requests, and drives each replica's iterations through
 * two events that carry their handler: {@link Schedule} (form and start the next batch) and
 * {@link IterationDone} (retire it).
 */
public final class Pool {

    /**
     * What a pool is built from.
     *
     * @param name             the pool's name in results
     * @param role             mixed, prefill or decode
     * @param gpu              the GPU of every replica
     * @param tp               tensor-parallel degree of every replica
     * @param model            the model served
     * @param scheduler        the batching policy's factory and its settings
     * @param schedulerConfig  the scheduler settings of this pool
     * @param router           the global policy's registry name (for reports)
     * @param capacity         KV capacity of one replica
     * @param blockSize        KV block size, tokens
     * @param prefixCaching    whether replicas share cached prompt prefixes
     * @param predictor        times the iterations of this pool's replicas
     * @param observer         receives the request events of this pool's schedulers
     * @param stages           pipeline stages of every replica and their times; null without pipeline parallelism
     * @param outputsOneStepLate the engine hands each step's outputs to the client at the end of the next
     *                         engine step ({@link OutputLag}: vLLM V0's asynchronous output processing);
     *                         only for a mixed pool without pipeline parallelism
     */
    public record Spec(String name, Role role, GpuSpec gpu, int tp, ModelSpec model, SchedulerFactory scheduler,
                       SchedulerConfig schedulerConfig, String router, KvCapacity capacity, int blockSize,
                       boolean prefixCaching, PredictorFactory.Built predictor, RequestObserver observer,
                       StageTimes stages, boolean outputsOneStepLate) {

        public Spec {
            if (outputsOneStepLate && (role != Role.MIXED || stages != null)) {
                throw new IllegalArgumentException("pool " + name + ": outputs one step late are modelled only for"
                        + " a mixed pool without pipeline parallelism");
            }
        }

        /** Without pipeline parallelism; outputs as each iteration ends. */
        public Spec(String name, Role role, GpuSpec gpu, int tp, ModelSpec model, SchedulerFactory scheduler,
                    SchedulerConfig schedulerConfig, String router, KvCapacity capacity, int blockSize,
                    boolean prefixCaching, PredictorFactory.Built predictor, RequestObserver observer) {
            this(name, role, gpu, tp, model, scheduler, schedulerConfig, router, capacity, blockSize, prefixCaching,
                    predictor, observer, null, false);
        }

        /** Pipeline stages per replica (1 without pipeline parallelism). */
        public int pp() {
            return stages == null ? 1 : stages.stages();
        }

        /** GPUs of one replica: tp x pp. */
        public int gpusPerReplica() {
            return tp * pp();
        }
    }

    /** An idle replica forms and starts its next batch. */
    public record Schedule(Pool pool, Replica replica) implements Event {
        @Override
        public Phase phase() {
            return Phase.SCHEDULE;
        }

        @Override
        public void fire(long now) {
            pool.onSchedule(replica, now);
        }
    }

    /** The iteration running on a replica ends. */
    public record IterationDone(Pool pool, Replica replica) implements Event {
        @Override
        public Phase phase() {
            return Phase.ITERATION_DONE;
        }

        @Override
        public void fire(long now) {
            pool.onIterationDone(replica, now);
        }
    }

    private final Spec spec;
    private final EventQueue queue;
    private final Handoff handoff;
    private final BiConsumer<Pool, Replica> registry;
    private final Scheduler probe;
    private Lifecycle lifecycle;
    /** What taking a routed request means: the entry stage enqueues it; the decode stage starts its KV transfer. */
    private Intake intake = this::enqueue;
    private static final java.util.function.BiPredicate<Replica, Request> ANY = (rep, r) -> true;
    private java.util.function.BiPredicate<Replica, Request> canTake = ANY;
    private java.util.function.LongConsumer afterIteration;

    /**
     * @param handoff  where a prefill pool's schedulers send prefilled requests; null for other roles
     * @param registry records each new replica in the deployment (with this pool, its owner)
     */
    /**
     * @param firstIndex  deployment-wide index of this pool's first replica
     * @param maxReplicas most replicas the pool can ever have (its indexes are firstIndex + [0, max))
     */
    Pool(Spec spec, EventQueue queue, Handoff handoff, BiConsumer<Pool, Replica> registry, int firstIndex,
         int maxReplicas) {
        this.spec = spec;
        this.queue = queue;
        this.handoff = handoff;
        this.registry = registry;
        this.firstIndex = firstIndex;
        this.maxReplicas = maxReplicas;
        this.probe = makeScheduler(-1);
    }

    private final int firstIndex;
    private final int maxReplicas;
    /**
     * Each replica's two events, made with it (by index from {@code firstIndex}): immutable, so one
     * instance serves every iteration, and an iteration allocates no event.
     */
    private Schedule[] schedules = new Schedule[0];
    private IterationDone[] iterationsDone = new IterationDone[0];
    /** Each replica's outputs delivered a step late ({@link Spec#outputsOneStepLate}); null entries otherwise. */
    private OutputLag[] lags = new OutputLag[0];
    private int made;

    /** How a replica of this pool takes a request its stage routed to it. */
    @FunctionalInterface
    public interface Intake {
        void accept(Replica target, Request r, long now);
    }

    /** The decode stage's intake (a KV transfer into reserved blocks) and eligibility (blocks free now). */
    void setIntake(Intake intake, java.util.function.BiPredicate<Replica, Request> canTake) {
        this.intake = intake;
        this.canTake = canTake;
    }

    /** Whether every replica can take any request at any time ({@link #canTake} is always true): not a decode pool. */
    public boolean takesAny() {
        return canTake == ANY;
    }

    /** Whether {@code replica} can take {@code r} now (always, except a decode replica without room for its KV). */
    public boolean canTake(Replica replica, Request r) {
        return canTake.test(replica, r);
    }

    /** {@code target} takes {@code r}, routed to it by its stage (called by the lifecycle on dispatch). */
    public void accept(Replica target, Request r, long now) {
        intake.accept(target, r, now);
    }

    void setLifecycle(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Called after every iteration of this pool ends (the decode stage retries requests waiting for memory). */
    void setAfterIteration(java.util.function.LongConsumer r) {
        this.afterIteration = r;
    }

    public Spec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public Role role() {
        return spec.role();
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public ExecutionTimePredictor predictor() {
        return spec.predictor().predictor();
    }

    /** Whether {@code r} could ever be served by a replica of this pool: null if so, else a reason code. */
    public String admissionProblem(Request r) {
        return probe.admissionProblem(r);
    }

    /** Whether this pool's scheduler can serve a prefill or decode role. */
    public boolean supportsDisaggregation() {
        return role() == Role.DECODE ? probe.supportsDecodeRole() : probe.supportsDisaggregation();
    }

    /**
     * Whether this pool's scheduler keeps its memory rule when other requests share its block pool
     * (the pipelined replica's virtual engines do; false for an admission bound that counts only the
     * requests it admitted itself, as for the decode role).
     */
    public boolean supportsSharedBlocks() {
        return probe.supportsDecodeRole();
    }

    /** KV blocks of one replica. */
    public int blocksPerReplica() {
        return spec.capacity().totalBlocks();
    }

    /** A new replica of this pool (its lifecycle decides when), with its own scheduler and empty KV cache. */
    public Replica newReplica() {
        if (made == maxReplicas) {
            throw new IllegalStateException("pool " + name() + " already has its " + maxReplicas + " replicas");
        }
        int index = firstIndex + made++;
        Replica r;
        OutputLag lag = spec.outputsOneStepLate() ? new OutputLag(spec.observer(), queue) : null;
        if (spec.stages() == null) {
            r = new Replica(index, spec.gpu(), spec.tp(),
                    makeScheduler(index, newBlockManager(), lag != null ? lag : spec.observer()), predictor());
        } else {
            // pp virtual engines over the replica's one block pool (pipeline.VirtualEngines)
            BlockManager kv = newBlockManager();
            Scheduler[] engines = new Scheduler[spec.pp()];
            for (int i = 0; i < engines.length; i++) {
                engines[i] = makeScheduler(index, kv);
            }
            VirtualEngines ve = new VirtualEngines(engines, kv);
            r = new Replica(index, spec.gpu(), spec.tp(), ve, predictor(), new Pipeline(ve, spec.stages(), predictor()));
        }
        int slot = slotOf(r);
        if (slot == schedules.length) {
            int n = Math.min(maxReplicas, Math.max(4, 2 * slot));
            schedules = Arrays.copyOf(schedules, n);
            iterationsDone = Arrays.copyOf(iterationsDone, n);
            lags = Arrays.copyOf(lags, n);
        }
        schedules[slot] = new Schedule(this, r);
        iterationsDone[slot] = new IterationDone(this, r);
        lags[slot] = lag;
        registry.accept(this, r);
        return r;
    }

    /** A replica's place in this pool's per-replica arrays. */
    private int slotOf(Replica r) {
        return r.index() - firstIndex;
    }

    private Schedule scheduleOf(Replica r) {
        return schedules[slotOf(r)];
    }

    private BlockManager newBlockManager() {
        return new BlockManager(spec.capacity().totalBlocks(), spec.blockSize(), spec.prefixCaching());
    }

    private Scheduler makeScheduler(int index) {
        return makeScheduler(index, newBlockManager());
    }

    private Scheduler makeScheduler(int index, BlockManager kv) {
        return makeScheduler(index, kv, spec.observer());
    }

    private Scheduler makeScheduler(int index, BlockManager kv, RequestObserver observer) {
        return spec.scheduler().create(new SchedulerContext(index, kv, spec.schedulerConfig(), spec.model(),
                observer, predictor(), handoff));
    }

    /** Routes {@code r} to {@code target}: its waiting queue, and a scheduling pass at {@code now}. */
    public void enqueue(Replica target, Request r, long now) {
        r.assign(target.index());
        target.scheduler().enqueue(r, now);
        target.loadChanged();
        requestSchedule(target, now);
    }

    /** Asks an idle replica to form a batch at {@code now}, after every arrival at the same instant. */
    public void requestSchedule(Replica r, long now) {
        if (!r.busy() && !r.schedulePending()) {
            r.setSchedulePending(true);
            queue.schedule(r.earliestStartNs(now), scheduleOf(r)); // pipelined: once stage 0 is free
        }
    }

    private void onSchedule(Replica r, long now) {
        r.setSchedulePending(false);
        long duration = r.tryStart(now);
        if (duration > 0) {
            queue.schedule(now + duration, iterationsDone[slotOf(r)]);
            if (r.pp() > 1) {
                requestSchedule(r, now); // the next batch may enter stage 0 while this one moves on
            }
        }
        OutputLag lag = lags[slotOf(r)];
        if (lag != null) {
            // the last iteration's outputs: at the end of the next engine step (one step of a multi-step
            // run), or, with nothing to run, of the step vLLM still runs its finished sequences in
            lag.seal(now + r.lastStepNs(), duration > 0 && r.lastStepNs() == duration);
        }
    }

    private void onIterationDone(Replica r, long now) {
        OutputLag lag = lags[slotOf(r)];
        if (lag != null) {
            lag.onIterationEnd(now); // the outputs before this iteration's, which come out during it
        }
        r.finish(now);
        lifecycle.onIterationDone(r, now);
        if (afterIteration != null) {
            afterIteration.accept(now);
        }
        // the next batch: its Schedule event fires at once when nothing else is due now (the usual case)
        if (!r.busy() && !r.schedulePending()) {
            long start = r.earliestStartNs(now);
            if (!queue.fireIfNext(start, scheduleOf(r))) {
                requestSchedule(r, now);
            }
        }
    }
}
