package io.simfaasinfer.serverless;

import io.simfaasinfer.cluster.Replica;

/** The read-only {@link FleetView} of a {@link ServerlessLifecycle}, handed to its autoscaler. */
final class View implements FleetView {

    private final ServerlessLifecycle c;

    View(ServerlessLifecycle c) {
        this.c = c;
    }

    @Override
    public int minInstances() {
        return c.config().minInstances();
    }

    @Override
    public int maxInstances() {
        return c.config().maxInstances();
    }

    @Override
    public int starting() {
        return c.starting();
    }

    @Override
    public int idle() {
        return c.idle();
    }

    @Override
    public int busy() {
        return c.busy();
    }

    @Override
    public int lastDesired() {
        return c.lastDesired();
    }

    @Override
    public int queued() {
        return c.queued();
    }

    @Override
    public int inFlight() {
        int n = 0;
        for (Instance in : c.instances()) {
            if (in.ready()) {
                n += in.replica.scheduler().outstanding();
            }
        }
        return n;
    }

    @Override
    public int waiting() {
        int n = c.queued();
        for (Instance in : c.instances()) {
            if (in.ready()) {
                n += in.replica.scheduler().waiting();
            }
        }
        return n;
    }

    @Override
    public int demand() {
        return c.requestMetrics().demand();
    }

    @Override
    public int instanceConcurrency() {
        return c.config().instanceConcurrency();
    }

    @Override
    public int maxBatchSize() {
        return c.maxBatchSize();
    }

    @Override
    public double kvUtilization() {
        double sum = 0;
        int n = 0;
        for (Instance in : c.instances()) {
            if (in.ready()) {
                Replica r = in.replica;
                sum += r.scheduler().kv().utilization();
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    @Override
    public double averageDemand(double windowS) {
        FleetHistory h = c.history();
        FleetHistory.Sample end = h.last();
        FleetHistory.Sample start = h.start(windowS);
        if (end.t() <= start.t()) {
            return demand();
        }
        return (end.demandArea() - start.demandArea()) / (end.t() - start.t());
    }

    @Override
    public double arrivalRate(double windowS) {
        FleetHistory h = c.history();
        FleetHistory.Sample end = h.last();
        FleetHistory.Sample start = h.start(windowS);
        if (end.t() <= start.t()) {
            return 0;
        }
        return (end.arrivals() - start.arrivals()) / ((end.t() - start.t()) / 1e9);
    }

    @Override
    public double busyFraction(double windowS) {
        FleetHistory h = c.history();
        FleetHistory.Sample end = h.last();
        FleetHistory.Sample start = h.start(windowS);
        double ready = end.readyArea() - start.readyArea();
        if (ready <= 0) {
            return 0;
        }
        // an iteration's time is counted when it starts, so a window can see slightly more than it holds
        return Math.min(1, (end.busyNs() - start.busyNs()) / ready);
    }

    @Override
    public double meanServiceTimeS(double windowS) {
        FleetHistory h = c.history();
        FleetHistory.Sample end = h.last();
        FleetHistory.Sample start = h.start(windowS);
        long n = end.services() - start.services();
        return n == 0 ? Double.NaN : (end.serviceNs() - start.serviceNs()) / n / 1e9;
    }

    @Override
    public double[] arrivalRates(double windowS) {
        return c.history().rates(windowS);
    }

    @Override
    public double evaluationIntervalS() {
        return c.config().autoscaler().evaluationIntervalS();
    }

    @Override
    public double coldStartS() {
        return c.starts().model().totalS(c.starts().tier());
    }
}
