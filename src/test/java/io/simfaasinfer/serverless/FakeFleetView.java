package io.simfaasinfer.serverless;

/** A settable {@link FleetView} for testing policies without an engine. */
final class FakeFleetView implements FleetView {

    int min;
    int max = 100;
    int starting;
    int idle;
    int busy;
    int queued;
    int inFlight;
    int waiting;
    int instanceConcurrency;
    int maxBatchSize = 256;
    double kv;
    /** Average demand by window length (stable and panic windows can differ). */
    double stableDemand;
    double panicDemand;
    double panicWindowS = 6;
    double rate;
    double busyFraction;
    double serviceS = Double.NaN;
    double[] rates = new double[0];
    double intervalS = 2;
    double coldStartS = 20;

    @Override public int minInstances() { return min; }
    @Override public int maxInstances() { return max; }
    @Override public int starting() { return starting; }
    @Override public int idle() { return idle; }
    @Override public int busy() { return busy; }
    @Override public int lastDesired() { return live(); }
    @Override public int queued() { return queued; }
    @Override public int inFlight() { return inFlight; }
    @Override public int waiting() { return waiting; }
    @Override public int instanceConcurrency() { return instanceConcurrency; }
    @Override public int maxBatchSize() { return maxBatchSize; }
    @Override public double kvUtilization() { return kv; }

    @Override
    public double averageDemand(double windowS) {
        return windowS <= panicWindowS ? panicDemand : stableDemand;
    }

    @Override public double arrivalRate(double windowS) { return rate; }
    @Override public double busyFraction(double windowS) { return busyFraction; }
    @Override public double meanServiceTimeS(double windowS) { return serviceS; }
    @Override public double[] arrivalRates(double windowS) { return rates.clone(); }
    @Override public double evaluationIntervalS() { return intervalS; }
    @Override public double coldStartS() { return coldStartS; }
}
