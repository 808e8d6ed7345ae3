package io.simfaasinfer.predictor.profile;

import java.util.Arrays;
import java.util.Locale;

/**
 * Summary of absolute relative errors |predicted - measured| / measured (fractions: 0.03 is 3%).
 *
 * @param count  number of points
 * @param mean   mean absolute relative error (MAPE as a fraction)
 * @param median median absolute relative error
 * @param p90    90th percentile (nearest rank)
 * @param max    largest absolute relative error
 */
public record ErrorStats(int count, double mean, double median, double p90, double max) {

    public static final ErrorStats EMPTY = new ErrorStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** Statistics of the given absolute relative errors. */
    public static ErrorStats of(double[] absRelErrors) {
        int n = absRelErrors.length;
        if (n == 0) {
            return EMPTY;
        }
        double[] s = absRelErrors.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        double median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        double p90 = s[Math.max(0, (int) Math.ceil(0.9 * n) - 1)];
        return new ErrorStats(n, sum / n, median, p90, s[n - 1]);
    }

    /** Statistics of predicted vs measured pairs. */
    public static ErrorStats of(double[] predicted, double[] measured) {
        double[] e = new double[predicted.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = absRelError(predicted[i], measured[i]);
        }
        return of(e);
    }

    public static double absRelError(double predicted, double measured) {
        return Math.abs(predicted - measured) / measured;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "n=%d MAPE=%.2f%% median=%.2f%% p90=%.2f%% max=%.2f%%",
                count, 100 * mean, 100 * median, 100 * p90, 100 * max);
    }
}
