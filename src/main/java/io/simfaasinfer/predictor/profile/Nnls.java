package io.simfaasinfer.predictor.profile;

import java.util.Arrays;

/**
 * Non-negative least squares, min ||A x - b|| subject to x >= 0, by the Lawson-Hanson active-set
 * method. Columns are scaled to unit norm internally and subproblems are solved by Householder
 * QR, so columns of very different magnitudes (tokens, token pairs, constants) are fine.
 */
final class Nnls {

    private Nnls() {
    }

    /**
     * @param a rows x cols design matrix (not modified)
     * @param b right-hand side (not modified)
     * @return the non-negative solution
     */
    static double[] solve(double[][] a, double[] b) {
        int m = a.length;
        int n = a[0].length;
        double[] norm = new double[n];
        double[][] s = new double[m][n];
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (double[] row : a) {
                sum += row[j] * row[j];
            }
            norm[j] = sum > 0 ? Math.sqrt(sum) : 1;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                s[i][j] = a[i][j] / norm[j];
            }
        }
        double[] x = solveScaled(s, b);
        for (int j = 0; j < n; j++) {
            x[j] /= norm[j];
        }
        return x;
    }

    private static double[] solveScaled(double[][] a, double[] b) {
        int m = a.length;
        int n = a[0].length;
        double[] x = new double[n];
        boolean[] passive = new boolean[n];
        double bNorm = 0;
        for (double v : b) {
            bNorm = Math.max(bNorm, Math.abs(v));
        }
        double tol = 1e-12 * Math.max(1, bNorm) * Math.max(m, n);
        double[] w = gradient(a, b, x);
        int maxIter = 30 * n;
        for (int iter = 0; iter < maxIter; iter++) {
            int t = -1;
            double best = tol;
            for (int j = 0; j < n; j++) {
                if (!passive[j] && w[j] > best) {
                    best = w[j];
                    t = j;
                }
            }
            if (t < 0) {
                break;
            }
            passive[t] = true;
            for (int inner = 0; inner < 3 * n; inner++) {
                double[] z = leastSquaresOn(a, b, passive);
                boolean allPositive = true;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && z[j] <= 0) {
                        allPositive = false;
                        break;
                    }
                }
                if (allPositive) {
                    System.arraycopy(z, 0, x, 0, n);
                    break;
                }
                double alpha = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && z[j] <= 0) {
                        double denom = x[j] - z[j];
                        alpha = Math.min(alpha, denom > 0 ? x[j] / denom : 0);
                    }
                }
                for (int j = 0; j < n; j++) {
                    x[j] += alpha * (z[j] - x[j]);
                    if (passive[j] && x[j] <= 1e-15) {
                        passive[j] = false;
                        x[j] = 0;
                    }
                }
            }
            w = gradient(a, b, x);
        }
        return x;
    }

    /** A^T (b - A x). */
    private static double[] gradient(double[][] a, double[] b, double[] x) {
        int n = x.length;
        double[] w = new double[n];
        for (int i = 0; i < a.length; i++) {
            double r = b[i];
            for (int j = 0; j < n; j++) {
                r -= a[i][j] * x[j];
            }
            for (int j = 0; j < n; j++) {
                w[j] += a[i][j] * r;
            }
        }
        return w;
    }

    /** Unconstrained least squares on the passive columns (others 0), by Householder QR. */
    static double[] leastSquaresOn(double[][] a, double[] b, boolean[] passive) {
        int m = a.length;
        int n = passive.length;
        int[] cols = new int[n];
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (passive[j]) {
                cols[k++] = j;
            }
        }
        double[][] r = new double[m][k];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < k; c++) {
                r[i][c] = a[i][cols[c]];
            }
        }
        double[] y = Arrays.copyOf(b, m);
        int steps = Math.min(k, m);
        for (int c = 0; c < steps; c++) {
            double norm = 0;
            for (int i = c; i < m; i++) {
                norm += r[i][c] * r[i][c];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue;
            }
            double alpha = r[c][c] > 0 ? -norm : norm;
            double[] v = new double[m];
            v[c] = r[c][c] - alpha;
            for (int i = c + 1; i < m; i++) {
                v[i] = r[i][c];
            }
            double vv = 0;
            for (int i = c; i < m; i++) {
                vv += v[i] * v[i];
            }
            if (vv == 0) {
                continue;
            }
            for (int cc = c; cc < k; cc++) {
                double dot = 0;
                for (int i = c; i < m; i++) {
                    dot += v[i] * r[i][cc];
                }
                double f = 2 * dot / vv;
                for (int i = c; i < m; i++) {
                    r[i][cc] -= f * v[i];
                }
            }
            double dot = 0;
            for (int i = c; i < m; i++) {
                dot += v[i] * y[i];
            }
            double f = 2 * dot / vv;
            for (int i = c; i < m; i++) {
                y[i] -= f * v[i];
            }
        }
        double[] coef = new double[k];
        double maxDiag = 0;
        for (int c = 0; c < steps; c++) {
            maxDiag = Math.max(maxDiag, Math.abs(r[c][c]));
        }
        for (int c = steps - 1; c >= 0; c--) {
            if (Math.abs(r[c][c]) <= 1e-12 * maxDiag) {
                coef[c] = 0; // rank-deficient direction: leave at zero
                continue;
            }
            double sum = y[c];
            for (int cc = c + 1; cc < steps; cc++) {
                sum -= r[c][cc] * coef[cc];
            }
            coef[c] = sum / r[c][c];
        }
        double[] z = new double[n];
        for (int c = 0; c < k; c++) {
            z[cols[c]] = coef[c];
        }
        return z;
    }
}
