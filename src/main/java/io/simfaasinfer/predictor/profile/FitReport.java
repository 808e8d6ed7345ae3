package io.simfaasinfer.predictor.profile;

import java.util.List;
import java.util.Locale;

/**
 * How well the profile model reproduces a profile: every grid point's measured median, the
 * in-sample prediction (fit on all points) and the leave-one-out prediction (fit without it).
 *
 * @param model        profile's model name
 * @param source       where the profile was read from
 * @param coefficients the fit on all points
 * @param points       one row per grid point, in file order
 * @param inSample     errors of the fit on all points
 * @param leaveOneOut  errors of each point predicted by a fit that did not see it
 */
public record FitReport(
        String model,
        String source,
        ProfileCoefficients coefficients,
        List<Point> points,
        ErrorStats inSample,
        ErrorStats leaveOneOut) {

    public FitReport {
        points = List.copyOf(points);
    }

    /**
     * @param entry         the grid point
     * @param measuredMs    its median
     * @param predictedMs   fit on all points
     * @param looPredictedMs fit on all other points
     */
    public record Point(ProfileEntry entry, double measuredMs, double predictedMs, double looPredictedMs) {

        public double inSampleError() {
            return ErrorStats.absRelError(predictedMs, measuredMs);
        }

        public double looError() {
            return ErrorStats.absRelError(looPredictedMs, measuredMs);
        }
    }

    /** A plain-text table, one line per point, then the summary. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "profile %s (%s)%nmodel: %s%n", model, source, coefficients));
        sb.append(String.format(Locale.ROOT, "%-34s %10s %10s %7s %10s %7s%n",
                "point", "measured", "fit", "err", "loo", "err"));
        for (Point p : points) {
            sb.append(String.format(Locale.ROOT, "%-34s %10.3f %10.3f %6.2f%% %10.3f %6.2f%%%n", p.entry().label(),
                    p.measuredMs(), p.predictedMs(), 100 * p.inSampleError(), p.looPredictedMs(),
                    100 * p.looError()));
        }
        sb.append("in-sample:     ").append(inSample).append(System.lineSeparator());
        sb.append("leave-one-out: ").append(leaveOneOut).append(System.lineSeparator());
        return sb.toString();
    }
}
