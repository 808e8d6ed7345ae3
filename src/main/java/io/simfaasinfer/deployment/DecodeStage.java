package io.simfaasinfer.deployment;

import io.simfaasinfer.cluster.Replica;
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
 * first token is out; a decode replica is chosen among those that can reserve the request's KV
 * blocks now (decode global, by the decode router), the blocks are reserved at once (vLLM's
 * waiting-for-remote-KV state), and the cache goes over the sending replica's link. When it
 * arrives, the prefill replica frees its copy and the request joins the decode replica's batches
 * (decode local: that replica's scheduler). When no decode replica can reserve, the request waits in
 * a FIFO queue (counted) while the prefill replica keeps its KV: decode pressure back-pressures
 * prefill. The queue is retried after every decode iteration.
 *
 * <p>A link is the sending prefill replica's network interface: its transfers share its bandwidth.
 */
final class DecodeStage implements Handoff {

    /** A transfer in flight. */
    private record Transfer(Request request, Replica from, Pool fromPool, Replica to, Pool toPool, int blocks,
                            double bytes, double exposed, long startNs) {
    }

    /** A prefilled request waiting for decode memory. */
    private record Waiting(Request request, Replica from, long prefillNs, long sinceNs) {
    }

    private final List<Pool> pools = new ArrayList<>();
    private final Router router;
    private final KvTransferModel model;
    private final TransferStats stats;
    private final Deployment deployment;
    private final ReplicaView view = new ReplicaView();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final ArrayList<SharedLink<Transfer>> links = new ArrayList<>();
    private final SharedLink.Sink<Transfer> sink = this::onTransferred;
    private final io.simfaasinfer.engine.EventQueue queue;

    DecodeStage(Router router, KvTransferModel model, TransferStats stats, Deployment deployment,
                io.simfaasinfer.engine.EventQueue queue) {
        this.router = router;
        this.model = model;
        this.stats = stats;
        this.deployment = deployment;
        this.queue = queue;
    }

    /** Adds a decode pool; the queue waiting for memory is retried after each of its iterations. */
    void addPool(Pool p) {
        pools.add(p);
        p.setAfterIteration(this::retry);
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

    /** Requests prefilled and waiting for a decode replica with room. */
    int waitingForMemory() {
        return waiting.size();
    }

    @Override
    public void onPrefilled(Request r, int replica, long now) {
        Replica from = deployment.replica(replica);
        Waiting w = new Waiting(r, from, from.lastIterationNs(), now);
        if (!waiting.isEmpty() || !tryStart(w, now)) {
            waiting.addLast(w);
            stats.onWaitForMemory(waiting.size());
        }
    }

    private void retry(long now) {
        while (!waiting.isEmpty() && tryStart(waiting.peekFirst(), now)) {
            Waiting w = waiting.pollFirst();
            stats.onMemoryWaitOver(now - w.sinceNs());
        }
    }

    private boolean tryStart(Waiting w, long now) {
        Request r = w.request();
        view.clear();
        for (int i = 0, n = pools.size(); i < n; i++) {
            Pool p = pools.get(i);
            if (p.admissionProblem(r) != null) {
                continue;
            }
            List<Replica> rs = p.lifecycle().replicas();
            for (int j = 0, m = rs.size(); j < m; j++) {
                if (rs.get(j).scheduler().transferBlocksIfFree(r) >= 0) {
                    view.add(rs.get(j));
                }
            }
        }
        if (view.size() == 0) {
            return false;
        }
        Replica to = view.member(router.route(r, view, now));
        int blocks = to.scheduler().transferBlocksIfFree(r);
        to.scheduler().reserveTransfer(r, blocks);
        double bytes = model.bytes(r.kvTokens());
        double exposed = model.exposedBytes(bytes, w.prefillNs());
        SharedLink<Transfer> link = link(w.from());
        link.send(exposed, model.latencyNs(),
                new Transfer(r, w.from(), deployment.poolOf(w.from()), to, deployment.poolOf(to), blocks, bytes, exposed,
                        now), now);
        return true;
    }

    private SharedLink<Transfer> link(Replica from) {
        int i = from.index();
        while (links.size() <= i) {
            links.add(null);
        }
        SharedLink<Transfer> l = links.get(i);
        if (l == null) {
            l = new SharedLink<>(queue, model.bytesPerNs(), sink);
            links.set(i, l);
        }
        return l;
    }

    private void onTransferred(Transfer t, long now) {
        stats.onLinkLoad(link(t.from()).peakInFlight());
        Request r = t.request();
        t.from().scheduler().releaseHandedOff(r); // the prefill copy is freed only now
        t.to().scheduler().acceptTransferred(r, t.blocks(), now);
        stats.onTransferred(t.bytes(), t.exposed(), now - t.startNs());
        t.toPool().requestSchedule(t.to(), now);
        t.fromPool().requestSchedule(t.from(), now); // freed blocks may let it admit more prompts
    }
}
