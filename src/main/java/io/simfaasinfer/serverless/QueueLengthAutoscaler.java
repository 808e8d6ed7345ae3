package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig.QueueLengthConfig;

/**
 * Queue-length scaling, in the spirit of KEDA's queue scalers: keep every instance that has work,
 * and have one instance per {@code target_per_instance} requests still waiting to be admitted
 * (global queue plus the instances' own waiting queues): desired = max(busy + starting,
 * ceil(waiting / target)). With nothing waiting, idle instances are released after their keep-alive.
 */
public final class QueueLengthAutoscaler implements Autoscaler {

    private final QueueLengthConfig cfg;

    public QueueLengthAutoscaler(QueueLengthConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public int desired(FleetView v, long nowNs) {
        int forBacklog = (int) Math.ceil(v.waiting() / cfg.targetPerInstance() - 1e-9);
        return Math.max(v.busy() + v.starting(), forBacklog);
    }
}
