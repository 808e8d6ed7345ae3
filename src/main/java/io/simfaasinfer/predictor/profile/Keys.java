package io.simfaasinfer.predictor.profile;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** Refuses unknown (e.g. misspelt) fields of a JSON object, suggesting the closest known one. Stateless. */
final class Keys {

    private Keys() {
    }

    /**
     * Throws for the first field of {@code n} that is not in {@code known} and does not start with
     * '_' (a comment): {@code SOURCE: WHEREfield 'X' is unknown; did you mean 'Y'? (expected A, B)}.
     */
    static void check(String source, String where, JsonNode n, List<String> known) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (known.contains(f) || f.startsWith("_")) {
                continue;
            }
            String near = closest(f, known);
            throw ProfileException.inFile(source, where + "field '" + f + "' is unknown"
                    + (near == null ? "" : "; did you mean '" + near + "'?") + " (expected " + String.join(", ", known)
                    + "; fields starting with '_' are comments)");
        }
    }

    /**
     * The known name within a small edit distance of {@code s}, or containing it or contained in it
     * ({@code ttft} for {@code ttft_ms}), case ignored; null when none is close.
     */
    static String closest(String s, List<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        String a = s.toLowerCase(Locale.ROOT);
        for (String k : known) {
            String b = k.toLowerCase(Locale.ROOT);
            int d = distance(a, b);
            boolean close = d <= Math.max(2, b.length() / 3)
                    || a.length() >= 3 && (b.contains(a) || a.contains(b));
            if (close && d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
