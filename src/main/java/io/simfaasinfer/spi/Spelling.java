package io.simfaasinfer.spi;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for a name or key that matches nothing: the known name nearest to what was given
 * (case, {@code -}/{@code _} and edit distance), when it is near enough to be a misspelling.
 */
public final class Spelling {

    private Spelling() {
    }

    /** The known name {@code given} most likely misspells, if any is close (at most a third of its letters edited). */
    public static Optional<String> nearest(String given, Collection<String> known) {
        if (given == null || given.isBlank()) {
            return Optional.empty();
        }
        String g = fold(given);
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(g, fold(k));
            if (d < bestD || (d == bestD && best != null && k.compareTo(best) < 0)) {
                best = k;
                bestD = d;
            }
        }
        int allowed = Math.max(1, g.length() / 3);
        return best != null && bestD <= allowed && !best.equals(given) ? Optional.of(best) : Optional.empty();
    }

    /** {@code " (did you mean 'x'?)"}, or the empty string when nothing is near. */
    public static String hint(String given, Collection<String> known) {
        return nearest(given, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[n][m];
    }
}
