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
