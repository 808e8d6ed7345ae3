package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;
import io.simfaasinfer.request.Request;
import io.simfaasinfer.request.RequestObserver;
import io.simfaasinfer.routing.Router;

import java.util.List;

/**
 * The entry stage of a deployment: its mixed pools (aggregated serving, several of them for a
 * heterogeneous cluster) or its prefill pools (disaggregated). One router (the prefill-global
 * decision) chooses among the eligible replicas of all of them; each replica's scheduler and local
 * policy (prefill-local) then decide when the request runs.
 */
final class Stage {

    private final List<Pool> pools;
    private final Router router;
    private final RequestObserver observer;
    private final DecodeStage decode;
    private final ReplicaView view = new ReplicaView();
    /** Always-on pools only: every replica, filled once and indexed (see {@link #staticView}). */
    private final ReplicaView all = new ReplicaView();
    private final java.util.function.Function<Replica, Pool> owner;
    /** Always-on pools only: their replicas never change, so one view serves every request that all pools admit. */
    private final boolean staticView;
    private boolean viewFilled;

    /**
     * @param observer receives rejections
     * @param decode   the decode stage a request must also fit, or null (aggregated)
     */
    /** @param owner the pool of a replica (the deployment's record) */
    Stage(List<Pool> pools, Router router, RequestObserver observer, DecodeStage decode,
          java.util.function.Function<Replica, Pool> owner) {
        this.owner = owner;
        this.pools = List.copyOf(pools);
        this.router = router;
        this.observer = observer;
        this.decode = decode;
        this.staticView = this.pools.stream().allMatch(p -> p.lifecycle().staticMembership());
    }

    List<Pool> pools() {
        return pools;
    }

    /** A request arrives: checked against every pool, routed to an eligible replica, or held. */
    void submit(Request r, long now) {
        String problem = null;
        boolean anyFits = false;
        for (int i = 0, n = pools.size(); i < n; i++) {
            String p = pools.get(i).admissionProblem(r);
            if (p == null) {
                anyFits = true;
            } else if (problem == null) {
                problem = p;
            }
        }
        if (anyFits && decode != null) {
            String p = decode.admissionProblem(r);
            if (p != null) {
                anyFits = false;
                problem = "decode_" + p;
            }
        }
        if (!anyFits) {
            r.reject();
            pools.get(0).spec().observer().onRejected(r, problem, now);
            return;
        }
        if (staticView && problem == null) {
            // every pool admits r and none's membership changes: the view of all replicas, built once
            if (!viewFilled) {
                for (int i = 0, n = pools.size(); i < n; i++) {
                    pools.get(i).lifecycle().collect(r, all, now);
                }
                all.index();
                viewFilled = true;
            }
            Replica target = all.member(router.route(r, all, now));
            poolOf(target).lifecycle().dispatch(target, r, now);
            return;
        }
        for (int i = 0, n = pools.size(); i < n; i++) {
            pools.get(i).lifecycle().onOffered(r, now);
        }
        if (pools.size() == 1) {
            ReplicaView own = pools.get(0).lifecycle().view(r, now);
            if (own != null) {
                if (own.size() == 0) {
                    pools.get(0).lifecycle().hold(r, now);
                    return;
                }
                pools.get(0).lifecycle().dispatch(own.member(router.route(r, own, now)), r, now);
                return;
            }
        }
        view.clear();
        for (int i = 0, n = pools.size(); i < n; i++) {
            Pool p = pools.get(i);
            if (n == 1 || p.admissionProblem(r) == null) {
                p.lifecycle().collect(r, view, now);
            }
        }
        if (view.size() == 0) {
            pools.get(0).lifecycle().hold(r, now); // validated: a stage that can hold has one pool
            return;
        }
        Replica target = view.member(router.route(r, view, now));
        poolOf(target).lifecycle().dispatch(target, r, now);
    }

    private Pool poolOf(Replica r) {
        return pools.size() == 1 ? pools.get(0) : owner.apply(r);
    }
}
