package io.simfaasinfer.serverless;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Cumulative fleet counters sampled at every periodic evaluation, so that a policy can ask for an
 * average over any recent window as a difference of two samples. Keeps samples for a retention span.
 */
final class FleetHistory {

    /**
     * Cumulative counters at time {@code t}.
     *
     * @param t          sample time, ns
     * @param arrivals   requests that reached the fleet
     * @param demandArea integral of demand (queued + in flight) over time, request-ns
     * @param readyArea  integral of ready instances over time, instance-ns
     * @param busyNs     iteration time of all instances, ns
     * @param serviceNs  total service time (first scheduled to finish) of finished requests, ns
     * @param services   finished requests
     */
    record Sample(long t, long arrivals, double demandArea, double readyArea, double busyNs, double serviceNs,
                  long services) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final long retentionNs;

    FleetHistory(double retentionS) {
        this.retentionNs = Math.round(retentionS * 1e9);
    }

    void add(Sample s) {
        Sample last = samples.peekLast();
        if (last != null && last.t() == s.t()) {
            samples.pollLast();
        }
        samples.addLast(s);
        // keep one sample at or before the retention horizon so the longest window is whole
        while (samples.size() > 2) {
            Iterator<Sample> it = samples.iterator();
            it.next();
            if (it.next().t() <= s.t() - retentionNs) {
                samples.pollFirst();
            } else {
                break;
            }
        }
    }

    Sample last() {
        return samples.peekLast();
    }

    /** The oldest sample no older than {@code windowS} before the last one; the first if the history is shorter. */
    Sample start(double windowS) {
        Sample last = samples.peekLast();
        long from = last.t() - Math.round(windowS * 1e9);
        for (Sample s : samples) {
            if (s.t() >= from) {
                return s;
            }
        }
        return last;
    }

    /** Arrival rate of each sampled interval whose end lies in the window, oldest first. */
    double[] rates(double windowS) {
        Sample last = samples.peekLast();
        long from = last.t() - Math.round(windowS * 1e9);
        int n = 0;
        Sample prev = null;
        for (Sample s : samples) {
            if (prev != null && s.t() > from && s.t() > prev.t()) {
                n++;
            }
            prev = s;
        }
        double[] out = new double[n];
        int i = 0;
        prev = null;
        for (Sample s : samples) {
            if (prev != null && s.t() > from && s.t() > prev.t()) {
                out[i++] = (s.arrivals() - prev.arrivals()) / ((s.t() - prev.t()) / 1e9);
            }
            prev = s;
        }
        return out;
    }
}
