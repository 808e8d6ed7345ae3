package io.simfaasinfer.predictor.profile;

import io.simfaasinfer.predictor.IterationShape;
import java.util.ArrayList;
import java.util.List;

/**
 * Leave-one-out validation of the profile model: for each grid point, refit without it and
 * predict it. The honest measure of how the model does between and beyond grid points.
 */
public final class LeaveOneOut {

    private LeaveOneOut() {
    }

    /** With {@link ProfileCoefficients#DEFAULT_KNOTS}. */
    public static FitReport run(FaaSInferProfile profile) {
        return run(profile, ProfileCoefficients.DEFAULT_KNOTS);
    }

    public static FitReport run(FaaSInferProfile profile, double[] knots) {
        List<ProfileEntry> entries = profile.entries();
        ProfileCoefficients all = ProfileFitter.fit(entries, knots);
        int n = entries.size();
        List<FitReport.Point> points = new ArrayList<>(n);
        double[] in = new double[n];
        double[] loo = new double[n];
        for (int i = 0; i < n; i++) {
            ProfileEntry e = entries.get(i);
            List<ProfileEntry> rest = new ArrayList<>(entries);
            rest.remove(i);
            IterationShape shape = IterationShape.of(e.toBatch());
            double fit = all.totalMs(shape);
            double out = ProfileFitter.fit(rest, knots).totalMs(shape);
            points.add(new FitReport.Point(e, e.medianMs(), fit, out));
            in[i] = ErrorStats.absRelError(fit, e.medianMs());
            loo[i] = ErrorStats.absRelError(out, e.medianMs());
        }
        return new FitReport(profile.modelName(), profile.source(), all, points, ErrorStats.of(in), ErrorStats.of(loo));
    }
}
