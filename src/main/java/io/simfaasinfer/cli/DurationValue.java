package io.simfaasinfer.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration on the command line: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 250us}; a bare number is ms. */
final class DurationValue {

    private static final Pattern P = Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(ms|s|m|min|us)?\\s*");

    private DurationValue() {
    }

    /** {@code text} in milliseconds; a one-line error naming {@code flag} if it is not a positive duration. */
    static double ms(String flag, String text) {
        Matcher m = P.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadInputException(flag + ": expected a duration such as 500ms, 10s or 2m (a bare number is ms),"
                    + " got '" + text + "'");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        double ms = switch (unit) {
            case "us" -> v / 1e3;
            case "s" -> v * 1e3;
            case "m", "min" -> v * 60e3;
            default -> v;
        };
        if (!(ms > 0) || Double.isInfinite(ms)) {
            throw new BadInputException(flag + ": expected a positive duration, got '" + text + "'");
        }
        return ms;
    }
}
