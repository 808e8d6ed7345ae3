package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig.PredictiveConfig;

/**
 * Scales ahead of a forecast. A least-squares line through the arrival rate of each evaluation
 * interval of the last {@code window_s} is extrapolated {@code lead_s} ahead (by default one cold
 * start, so instances are ready when the load comes); by Little's law the forecast concurrency is
 * that rate times the recent mean service time, and the answer is the larger of what the forecast
 * and the present demand need at {@code target} requests per instance.
 */
public final class PredictiveAutoscaler implements Autoscaler {

    private final PredictiveConfig cfg;
    private double lastServiceS = Double.NaN;

    public PredictiveAutoscaler(PredictiveConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public int desired(FleetView v, long nowNs) {
        double service = v.meanServiceTimeS(cfg.windowS());
        if (!Double.isNaN(service)) {
            lastServiceS = service;
        }
        int now = (int) Math.ceil(v.demand() / cfg.target() - 1e-9);
        if (Double.isNaN(lastServiceS)) {
            return now;
        }
        double lead = cfg.leadS() != null ? cfg.leadS() : v.coldStartS();
        double rate = forecast(v.arrivalRates(cfg.windowS()), v.evaluationIntervalS(), lead);
        int ahead = (int) Math.ceil(rate * lastServiceS / cfg.target() - 1e-9);
        return Math.max(now, ahead);
    }

    /**
     * The least-squares line through {@code rates} (one per {@code stepS}, oldest first, the last
     * ending now), evaluated {@code leadS} after the last; never negative; 0 for no history.
     */
    static double forecast(double[] rates, double stepS, double leadS) {
        int n = rates.length;
        if (n == 0) {
            return 0;
        }
        if (n == 1) {
            return Math.max(0, rates[0]);
        }
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < n; i++) {
            sx += i;
            sy += rates[i];
        }
        double mx = sx / n;
        double my = sy / n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (i - mx) * (rates[i] - my);
            sxx += (i - mx) * (i - mx);
        }
        double slope = sxy / sxx;
        double x = (n - 1) + leadS / stepS;
        return Math.max(0, my + slope * (x - mx));
    }
}
