package io.simfaasinfer.serverless;

import io.simfaasinfer.config.ServerlessConfig.BillingConfig;

/**
 * Turns the life of an instance into billed GPU time: busy time, plus idle time at
 * {@code idle_price_factor}, plus starting time if {@code bill_cold_start}, rounded up to a
 * multiple of {@code granularity_s} and at least {@code minimum_s}, per instance lifetime (from
 * start to release, or to the end of the run).
 */
final class Billing {

    private final BillingConfig cfg;
    private final double pricePerGpuHour;
    private final int tp;
    private double billedInstanceS;

    Billing(BillingConfig cfg, double pricePerGpuHour, int tp) {
        this.cfg = cfg;
        this.pricePerGpuHour = pricePerGpuHour;
        this.tp = tp;
    }

    /** Billed seconds of one lifetime. */
    double billedSeconds(long startingNs, long idleNs, long busyNs) {
        double s = (busyNs + idleNs * cfg.idlePriceFactor() + (cfg.billColdStart() ? startingNs : 0)) / 1e9;
        double g = cfg.granularityS();
        if (g > 0) {
            // tolerate float noise so an exact multiple is not rounded up one more step
            s = Math.ceil(s / g - 1e-9) * g;
        }
        return Math.max(s, cfg.minimumS());
    }

    /** Adds one finished (or cut-off) lifetime. */
    void addLifetime(long startingNs, long idleNs, long busyNs) {
        billedInstanceS += billedSeconds(startingNs, idleNs, busyNs);
    }

    double pricePerGpuHour() {
        return pricePerGpuHour;
    }

    double billedGpuSeconds() {
        return billedInstanceS * tp;
    }

    double costUsd() {
        return billedGpuSeconds() / 3600.0 * pricePerGpuHour;
    }

    BillingConfig config() {
        return cfg;
    }
}
