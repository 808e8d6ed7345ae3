package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.IterationShape;
import java.util.List;

/**
 * Fits {@link ProfileCoefficients} to measured grid points by non-negative least squares on
 * relative residuals ((predicted - measured) / measured), using each entry's median time.
 */
public final class ProfileFitter {

    private ProfileFitter() {
    }

    /** Fits cached by their (immutable, value-compared) entries; the few most recent only. */
    private static final int CACHED = 16;
    private static final java.util.Map<List<ProfileEntry>, ProfileCoefficients> FITTED =
            new java.util.LinkedHashMap<>(CACHED * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<List<ProfileEntry>, ProfileCoefficients> eldest) {
                    return size() > CACHED;
                }
            };

    /**
     * As {@link #fit(List)}, the fit of equal entries computed once per JVM (every run of a built-in
     * profile fits the same grid): the same coefficients, since the fit is deterministic and
     * {@link ProfileCoefficients} immutable. Failures are not cached (they throw again).
     */
    public static ProfileCoefficients fitCached(List<ProfileEntry> entries) {
        List<ProfileEntry> key = List.copyOf(entries);
        synchronized (FITTED) {
            ProfileCoefficients c = FITTED.get(key);
            if (c != null) {
                return c;
            }
        }
        ProfileCoefficients c = fit(key);
        synchronized (FITTED) {
            FITTED.put(key, c);
        }
        return c;
    }

    /** Fit with {@link ProfileCoefficients#DEFAULT_KNOTS}. */
    public static ProfileCoefficients fit(List<ProfileEntry> entries) {
        return fit(entries, ProfileCoefficients.DEFAULT_KNOTS);
    }

    /**
     * @throws ProfileException when the entries cannot determine the model: fewer than two
     *                          prefill or two decode entries
     */
    public static ProfileCoefficients fit(List<ProfileEntry> entries, double[] knots) {
        long prefills = entries.stream().filter(e -> e.phase() == ProfileEntry.Phase.PREFILL).count();
        long decodes = entries.size() - prefills;
        if (prefills < 2 || decodes < 2) {
            throw new ProfileException("cannot fit a profile model from " + prefills + " prefill and " + decodes
                    + " decode entries: at least two of each are needed (prefill attention and decode"
                    + " attention are fitted from them)");
        }
        int m = entries.size();
        double[][] a = new double[m][];
        double[] b = new double[m];
        for (int i = 0; i < m; i++) {
            ProfileEntry e = entries.get(i);
            double w = 1.0 / Math.max(e.medianMs(), 1e-3);
            double[] f = ProfileCoefficients.features(IterationShape.of(e.toBatch()), knots);
            for (int j = 0; j < f.length; j++) {
                f[j] *= w;
            }
            a[i] = f;
            b[i] = e.medianMs() * w;
        }
        return ProfileCoefficients.fromVector(Nnls.solve(a, b), knots);
    }
}
