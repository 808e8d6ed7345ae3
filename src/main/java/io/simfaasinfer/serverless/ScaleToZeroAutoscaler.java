package io.simfaasinfer.serverless;

/**
 * Purely on-demand scaling, as in function-as-a-service platforms (AWS Lambda, ServerlessLLM): one
 * instance per {@code instance_concurrency} requests in the system (queued or in flight), evaluated
 * at once whenever a request has to queue, so a burst starts its instances without waiting for a
 * tick; with no concurrency limit, one instance while there is any demand. Instances left idle are
 * released after the keep-alive, down to {@code min_instances} (zero by default).
 */
public final class ScaleToZeroAutoscaler implements Autoscaler {

    @Override
    public int desired(FleetView v, long nowNs) {
        int demand = v.demand();
        if (v.instanceConcurrency() <= 0) {
            return demand > 0 ? 1 : 0;
        }
        return (demand + v.instanceConcurrency() - 1) / v.instanceConcurrency();
    }

    @Override
    public boolean reactive() {
        return true;
    }
}
