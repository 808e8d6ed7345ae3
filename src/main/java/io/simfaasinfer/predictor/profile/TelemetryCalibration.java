package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.ExecutionTimePredictor;
import io.simfaasinfer.predictor.SimpleBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits {@code measured ~ scale * predicted (+ offset)} from production samples and wraps the
 * predictor accordingly. Least squares on relative residuals ((fitted - measured) / measured),
 * so small and large iterations count alike.
 *
 * <p>Observations:
 * <ul>
 *   <li>each iteration sample: the predictor's time for its batch vs {@code measured_ms};</li>
 *   <li>each request sample gives up to two approximate ones, valid when the request ran alone
 *       (light load; under load co-batched work and queueing inflate both):
 *       TTFT ~ the prefill of the whole prompt alone ({@code prompt_tokens} fresh tokens, batch 1);
 *       and, when {@code output_tokens >= 2}, the mean time per output token
 *       {@code (e2e_ms - ttft_ms) / (output_tokens - 1)} ~ one decode step at batch 1 with the
 *       context at mid-generation ({@code prompt_tokens + output_tokens / 2}).</li>
 * </ul>
 * With {@code fitOffset}, a non-negative additive offset is fitted too (if the unconstrained
 * offset comes out negative, the scale-only fit is used instead).
 */
public final class TelemetryCalibration {

    /**
     * @param scale     fitted multiplier (> 0)
     * @param offsetMs  fitted additive offset (>= 0; 0 without fitOffset)
     * @param samples   observations used
     * @param before    errors of the base predictor on them
     * @param after     errors of the calibrated predictor on them
     * @param predictor the calibrated predictor
     */
    public record Result(double scale, double offsetMs, int samples, ErrorStats before, ErrorStats after,
                         ScaledPredictor predictor) {
    }

    /** One (batch, measured time) pair derived from the samples. */
    public record Observation(SimpleBatch batch, double measuredMs, String origin) {
    }

    private TelemetryCalibration() {
    }

    /** The observations the fit uses, in sample order (iterations first). */
    public static List<Observation> observations(TelemetrySamples samples) {
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < samples.iterations().size(); i++) {
            TelemetrySamples.Iteration it = samples.iterations().get(i);
            out.add(new Observation(it.batch(), it.measuredMs(), "iterations[" + i + "]"));
        }
        for (int i = 0; i < samples.requests().size(); i++) {
            TelemetrySamples.Request r = samples.requests().get(i);
            out.add(new Observation(SimpleBatch.prefills(r.promptTokens()), r.ttftMs(), "requests[" + i + "].ttft"));
            if (r.outputTokens() >= 2) {
                double tpot = (r.e2eMs() - r.ttftMs()) / (r.outputTokens() - 1);
                if (tpot > 0) {
                    int ctx = r.promptTokens() + r.outputTokens() / 2;
                    out.add(new Observation(SimpleBatch.decodes(ctx), tpot, "requests[" + i + "].tpot"));
                }
            }
        }
        return out;
    }

    public static Result calibrate(ExecutionTimePredictor base, TelemetrySamples samples, boolean fitOffset) {
        List<Observation> obs = observations(samples);
        int n = obs.size();
        double[] p = new double[n];
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = base.predict(obs.get(i).batch()).totalMs();
            m[i] = obs.get(i).measuredMs();
        }
        // Relative residual r_i = (s p_i + b - m_i) / m_i = s x_i + b z_i - 1, x = p/m, z = 1/m.
        double sxx = 0;
        double sxz = 0;
        double szz = 0;
        double sx = 0;
        double sz = 0;
        for (int i = 0; i < n; i++) {
            double x = p[i] / m[i];
            double z = 1 / m[i];
            sxx += x * x;
            sxz += x * z;
            szz += z * z;
            sx += x;
            sz += z;
        }
        if (!(sxx > 0)) {
            throw new IllegalArgumentException("the predictor predicts 0 for every sample; cannot calibrate");
        }
        double scale = sx / sxx;
        double offset = 0;
        if (fitOffset && n >= 2) {
            double det = sxx * szz - sxz * sxz;
            if (det > 1e-12 * sxx * szz) {
                double s2 = (sx * szz - sz * sxz) / det;
                double b2 = (sxx * sz - sxz * sx) / det;
                if (b2 >= 0 && s2 > 0) {
                    scale = s2;
                    offset = b2;
                }
            }
        }
        ScaledPredictor scaled = new ScaledPredictor(base, scale, offset);
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = scale * p[i] + offset;
        }
        return new Result(scale, offset, n, ErrorStats.of(p, m), ErrorStats.of(q, m), scaled);
    }
}
