package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.engine.EventQueue;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.routing.Router;
import io.simfaasinfer.scheduler.Handoff;
import io.simfaasinfer.transfer.KvTransferModel;
import io.simfaasinfer.transfer.SharedLink;
import io.simfaasinfer.transfer.TransferStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The decode side of a disaggregated deployment. A prefill replica hands over a request once its
 * first token is out; a decode replica is chosen among those its pool's lifecycle offers that can
 * reserve the request's KV blocks now (decode global, by the decode router), the blocks are
 * reserved at once (vLLM's waiting-for-remote-KV state), and the cache goes over the sending
 * replica's link. When it arrives, the prefill replica frees its copy and the request joins the
 * decode replica's batches (decode local: that replica's scheduler). When no decode replica can
 * reserve, the request waits (counted) while the prefill replica keeps its KV, so decode pressure
 * back-pressures prefill: in a FIFO queue retried after every decode iteration, or, for a serverless
 * decode pool, in the fleet's own queue, which scales the fleet up.
 *
 * <p>A link is the sending prefill replica's network interface: its transfers share its bandwidth.
 */
final class DecodeStage implements Handoff {

    /** A transfer in flight. */
    private record Transfer(Request request, Replica from, Pool fromPool, Replica to, Pool toPool, int blocks,
                            double bytes, double exposed, long startNs) {
    }

    private final List<Pool> pools = new ArrayList<>();
    private final Router router;
    private final KvTransferModel model;
    private final TransferStats stats;
    private final Deployment deployment;
    private final EventQueue queue;
    private final ReplicaView view = new ReplicaView();
    /**
     * One always-on decode pool: all its replicas, filled once and indexed (their load and transfer
     * headroom), for the requests every replica can take; null until first needed, or when the stage
     * has several pools or a serverless one (then the view is collected per request).
     */
    private ReplicaView all;
    private boolean allChecked;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final ArrayList<SharedLink<Transfer>> links = new ArrayList<>();
    private final SharedLink.Sink<Transfer> sink = this::onTransferred;

    DecodeStage(Router router, KvTransferModel model, TransferStats stats, Deployment deployment, EventQueue queue) {
        this.router = router;
        this.model = model;
        this.stats = stats;
        this.deployment = deployment;
        this.queue = queue;
    }

    /** Adds a decode pool: its replicas take requests by a KV transfer; the wait is retried after its iterations. */
    void addPool(Pool p) {
        pools.add(p);
        p.setAfterIteration(this::retry);
        p.setIntake(this::startTransfer, (rep, r) -> rep.scheduler().transferBlocksIfFree(r) >= 0);
    }

    List<Pool> pools() {
        return pools;
    }

    /** Null if some decode pool could serve {@code r}, else the first pool's reason. */
    String admissionProblem(Request r) {
        String problem = null;
        for (int i = 0, n = pools.size(); i < n; i++) {
            String p = pools.get(i).admissionProblem(r);
            if (p == null) {
                return null;
            }
            if (problem == null) {
                problem = p;
            }
        }
        return problem;
    }

    /** Requests prefilled and waiting for a decode replica with room (in this stage's own queue). */
    int waitingForMemory() {
        return waiting.size();
    }

    @Override
    public void onPrefilled(Request r, int replica, long now) {
        Replica from = deployment.replica(replica);
        deployment.poolOf(from).lifecycle().onHandedOff(from, r, now);
        for (int i = 0, n = pools.size(); i < n; i++) {
            pools.get(i).lifecycle().onOffered(r, now);
        }
        if (!waiting.isEmpty() || !tryRoute(r, now)) {
            stats.onWaitForMemory(waiting.size() + 1);
            Lifecycle only = pools.size() == 1 ? pools.get(0).lifecycle() : null;
            if (only != null && only.queues()) {
                only.hold(r, now); // a serverless decode fleet queues it and scales up
            } else {
                waiting.addLast(r);
            }
        }
    }

    private void retry(long now) {
        while (!waiting.isEmpty() && tryRoute(waiting.peekFirst(), now)) {
            waiting.pollFirst();
        }
    }

    /** Routes {@code r} to a decode replica that can reserve its blocks now; false if none can. */
    private boolean tryRoute(Request r, long now) {
        ReplicaView every = allReplicas();
        if (every != null && pools.get(0).admissionProblem(r) == null) {
            int need = every.member(0).scheduler().transferBlocks(r);
            if (need >= 0 && every.minTransferHeadroom() >= need) {
                // every replica can reserve r now: the collected view would be all of them, in order
                assert allAnswer(pools.get(0), every, r, true) : "decode headroom says every replica can take request " + r.id();
                Replica to = every.member(router.route(r, every, now));
                deployment.poolOf(to).lifecycle().dispatch(to, r, now);
                return true;
            }
            if (need >= 0 && every.maxTransferHeadroom() < need) {
                // no replica can reserve r now (the retry after every decode iteration under memory pressure)
                assert allAnswer(pools.get(0), every, r, false) : "decode headroom says no replica can take request " + r.id();
                return false;
            }
        }
        view.clear();
        for (int i = 0, n = pools.size(); i < n; i++) {
            Pool p = pools.get(i);
            if (p.admissionProblem(r) == null) {
                p.lifecycle().collect(r, view, now);
            }
        }
        if (view.size() == 0) {
            return false;
        }
        Replica to = view.member(router.route(r, view, now));
        deployment.poolOf(to).lifecycle().dispatch(to, r, now);
        return true;
    }

    /**
     * The indexed view of the one always-on decode pool's replicas (built on first use), or null: several
     * pools, a serverless pool, or replicas already watched by another index.
     */
    private ReplicaView allReplicas() {
        if (!allChecked) {
            allChecked = true;
            Pool p = pools.size() == 1 ? pools.get(0) : null;
            if (p != null && p.lifecycle().staticMembership()) {
                ReplicaView v = new ReplicaView();
                p.lifecycle().replicas().forEach(v::add);
                if (v.size() > 0 && v.indexable()) {
                    v.index();
                    all = v;
                }
            }
        }
        return all;
    }

    /** Whether the per-replica test the collected view uses ({@link Pool#canTake}) answers {@code can} for every member. */
    private static boolean allAnswer(Pool p, ReplicaView v, Request r, boolean can) {
        for (int i = 0; i < v.size(); i++) {
            if (p.canTake(v.member(i), r) != can) {
                return false;
            }
        }
        return true;
    }

    /** The intake of a decode replica: reserve the blocks, send the cache over the prefill replica's link. */
    private void startTransfer(Replica to, Request r, long now) {
        if (r.handoffNs() < now) {
            stats.onMemoryWaitOver(now - r.handoffNs());
        }
        int blocks = to.scheduler().transferBlocksIfFree(r);
        if (blocks < 0) {
            throw new IllegalStateException("decode replica " + to.index() + " cannot reserve request " + r.id());
        }
        to.scheduler().reserveTransfer(r, blocks);
        to.loadChanged();
        Replica from = deployment.replica(r.replica());
        Pool fromPool = deployment.poolOf(from);
        SharedLink<Transfer> link = link(from, fromPool);
        double bytes = model.bytes(r.kvTokens());
        double exposed = model.exposedBytes(bytes, r.handoffIterationNs(), link.bytesPerNs());
        link.send(exposed, model.latencyNs(),
                new Transfer(r, from, fromPool, to, deployment.poolOf(to), blocks, bytes, exposed, now), now);
    }

    private SharedLink<Transfer> link(Replica from, Pool fromPool) {
        int i = from.index();
        while (links.size() <= i) {
            links.add(null);
        }
        SharedLink<Transfer> l = links.get(i);
        if (l == null) {
            l = new SharedLink<>(queue, model.linkBytesPerNs(fromPool.spec().tp()), sink);
            links.set(i, l);
        }
        return l;
    }

    private void onTransferred(Transfer t, long now) {
        stats.onLinkLoad(link(t.from(), t.fromPool()).peakInFlight());
        Request r = t.request();
        t.from().scheduler().releaseHandedOff(r); // the prefill copy is freed only now
        t.from().loadChanged();
        t.fromPool().lifecycle().onTransferReleased(t.from(), now);
        t.to().scheduler().acceptTransferred(r, t.blocks(), now);
        t.to().loadChanged();
        stats.onTransferred(t.bytes(), t.exposed(), now - t.startNs());
        t.toPool().requestSchedule(t.to(), now);
        t.fromPool().requestSchedule(t.from(), now); // freed blocks may let it admit more prompts
    }
}
