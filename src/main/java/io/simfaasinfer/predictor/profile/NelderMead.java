package io.simfaasinfer.predictor.profile;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/** A plain Nelder-Mead simplex minimiser (standard coefficients), deterministic. */
final class NelderMead {

    private NelderMead() {
    }

    /**
     * @param f        objective
     * @param start    starting point
     * @param step     initial simplex edge per coordinate
     * @param maxEvals evaluation budget
     * @param tol      stop when the simplex's objective spread falls below this
     * @return the best point found
     */
    static double[] minimize(ToDoubleFunction<double[]> f, double[] start, double[] step, int maxEvals, double tol) {
        int n = start.length;
        double[][] p = new double[n + 1][];
        double[] v = new double[n + 1];
        p[0] = start.clone();
        for (int i = 0; i < n; i++) {
            p[i + 1] = start.clone();
            p[i + 1][i] += step[i];
        }
        int evals = 0;
        for (int i = 0; i <= n; i++) {
            v[i] = f.applyAsDouble(p[i]);
            evals++;
        }
        while (evals < maxEvals) {
            Integer[] order = new Integer[n + 1];
            for (int i = 0; i <= n; i++) {
                order[i] = i;
            }
            final double[] vv = v;
            Arrays.sort(order, (a, b) -> Double.compare(vv[a], vv[b]));
            double[][] ps = new double[n + 1][];
            double[] vs = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                ps[i] = p[order[i]];
                vs[i] = v[order[i]];
            }
            p = ps;
            v = vs;
            if (Math.abs(v[n] - v[0]) <= tol) {
                break;
            }
            double[] centroid = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    centroid[j] += p[i][j] / n;
                }
            }
            double[] xr = affine(centroid, p[n], -1.0);
            double fr = f.applyAsDouble(xr);
            evals++;
            if (fr < v[0]) {
                double[] xe = affine(centroid, p[n], -2.0);
                double fe = f.applyAsDouble(xe);
                evals++;
                if (fe < fr) {
                    p[n] = xe;
                    v[n] = fe;
                } else {
                    p[n] = xr;
                    v[n] = fr;
                }
            } else if (fr < v[n - 1]) {
                p[n] = xr;
                v[n] = fr;
            } else {
                boolean outside = fr < v[n];
                double[] xc = affine(centroid, outside ? xr : p[n], 0.5);
                double fc = f.applyAsDouble(xc);
                evals++;
                if (fc < Math.min(fr, v[n])) {
                    p[n] = xc;
                    v[n] = fc;
                } else {
                    for (int i = 1; i <= n; i++) {
                        p[i] = affine(p[0], p[i], 0.5);
                        v[i] = f.applyAsDouble(p[i]);
                        evals++;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i <= n; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return p[best].clone();
    }

    /** c + t (x - c). */
    private static double[] affine(double[] c, double[] x, double t) {
        double[] r = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            r[i] = c[i] + t * (x[i] - c[i]);
        }
        return r;
    }
}
