package io.simfaasinfer.serverless;

import io.simfaasinfer.metrics.ServerlessResult;
import io.simfaasinfer.metrics.SimulationResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Assembles the {@link ServerlessResult} and the billed {@link SimulationResult.Cost} at the end of a run. */
final class ServerlessReport {

    private ServerlessReport() {
    }

    static SimulationResult build(ServerlessLifecycle c, SimulationResult base, long endNs, int alive) {
        ServerlessMetrics sm = c.requestMetrics();
        long busy = 0;
        long idle = 0;
        long starting = 0;
        for (Instance in : c.instances()) {
            busy += in.totalBusyNs;
            idle += in.totalIdleNs;
            starting += in.totalStartingNs;
        }
        int tp = c.tp();
        var instanceS = new ServerlessResult.StateSeconds(busy / 1e9, idle / 1e9, starting / 1e9,
                (busy + idle + starting) / 1e9);
        var gpuS = new ServerlessResult.StateSeconds(busy / 1e9 * tp, idle / 1e9 * tp, starting / 1e9 * tp,
                (busy + idle + starting) / 1e9 * tp);

        Billing b = c.billing();
        double endS = endNs / 1e9;
        long completed = c.metrics().completed();
        double cost = b.costUsd();
        double perHour = endS > 0 ? cost / (endS / 3600) : 0;
        double per1k = completed > 0 ? cost / completed * 1000 : 0;
        double qpsPerDollar = endS > 0 && perHour > 0 ? (completed / endS) / perHour : 0;
        var bc = b.config();
        var billing = new ServerlessResult.BillingSummary(b.pricePerGpuHour(), b.billedGpuSeconds(), cost, perHour,
                per1k, qpsPerDollar, bc.granularityS(), bc.minimumS(), bc.billColdStart(), bc.idlePriceFactor(), endS);

        ColdStarts starts = c.starts();
        ColdStartModel m = starts.model();
        Map<String, Double> load = new LinkedHashMap<>();
        Map<String, Double> total = new LinkedHashMap<>();
        for (CheckpointTier t : CheckpointTier.values()) {
            load.put(t.label(), m.loadS(t));
            total.put(t.label(), m.totalS(t));
        }
        var parts = new ServerlessResult.ColdStartParts(starts.tier().label(), m.containerStartS(), m.frameworkInitS(),
                m.engineWarmupS(), m.weightBytes() / 1e9, load, total, starts.source());

        var ttft = new ServerlessResult.TtftBreakdown(sm.ttftQueueing().summary(), sm.ttftColdStart().summary(),
                sm.ttftPrefill().summary());
        long arrivals = sm.arrivals();
        var section = new ServerlessResult(c.autoscalerName(), starts.count(), new TreeMap<>(starts.byTier()),
                sm.requestsCold(), arrivals > 0 ? (double) sm.requestsCold() / arrivals : 0, sm.coldWait().summary(),
                starts.durations().summary(), parts, c.peakLive(), c.config().minInstances(), c.releases(), alive,
                c.queuePeak(), c.rejectedQueueFull(), instanceS, gpuS, ttft, billing, List.copyOf(c.series()));

        // the fleet's billed cost, plus what the deployment's always-on pools cost (none for a fleet alone)
        double otherCost = 0;
        double otherHours = 0;
        int otherGpus = 0;
        List<SimulationResult.PoolStats> pools = new java.util.ArrayList<>();
        for (SimulationResult.PoolStats p : base.pools()) {
            if (p.name().equals(c.poolName())) {
                pools.add(new SimulationResult.PoolStats(p.name(), p.role(), p.lifecycle(), p.gpu(), p.tp(), p.replicas(),
                        p.gpus(), p.scheduler(), p.router(), p.localPolicy(), p.kvBlocksPerReplica(), p.iterations(),
                        p.iterationRunningFractionMean(), p.mfuMean(), p.mbuMean(), p.kvCacheUtilMean(), p.kvCacheUtilPeak(),
                        b.billedGpuSeconds() / 3600, b.pricePerGpuHour(), cost, p.peakMemoryGbPerGpu(), p.predictor(), p.pp(),
                        p.outputsOneStepLate()));
            } else {
                otherCost += p.costUsd();
                otherHours += p.gpuHours();
                otherGpus += p.gpus();
                pools.add(p);
            }
        }
        double totalCost = cost + otherCost;
        double totalHours = b.billedGpuSeconds() / 3600 + otherHours;
        double totalPerHour = endS > 0 ? totalCost / (endS / 3600) : 0;
        var billed = new SimulationResult.Cost(c.peakLive() * tp + otherGpus,
                otherGpus == 0 ? b.pricePerGpuHour() : totalCost / totalHours, totalHours, totalCost,
                completed > 0 ? totalCost / completed * 1000 : 0,
                endS > 0 && totalPerHour > 0 ? (completed / endS) / totalPerHour : 0);
        return base.withServerless(section, billed, pools);
    }
}
